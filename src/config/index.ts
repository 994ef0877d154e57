export { adminSettings } from './admin.js';
export { mediaSettings } from './media.js';
export { retentionSettings, type RetentionSettings } from './retention.js';
export {
  adminConfigSchema,
  bridgeConfigSchema,
  CONNECTOR_ID_PATTERN,
  HINT_KEYWORD,
  LOCALPART_PATTERN,
  LOG_LEVELS,
  PERMISSION_LEVELS,
  WORKSPACE_NAME_PATTERN,
  type AdminConfig,
  type AppserviceConfig,
  type BridgeConfig,
  type BridgeSettings,
  type DatabaseConfig,
  type HomeserverConfig,
  type LoggingConfig,
  type MediaConfig,
  type LogLevel,
  type PermissionLevel,
  type PermissionEntry,
  type PermissionsConfig,
  type PortalConfig,
  type PortalLinkConfig,
  type ProvisioningConfig,
  type RetryConfig,
} from './schema.js';
export {
  ConfigError,
  ConfigErrorCode,
  formatProblem,
  formatProblems,
  type ConfigProblem,
} from './errors.js';
export {
  loadConfig,
  parseConfig,
  type LoadConfigOptions,
  type ParseConfigOptions,
} from './load.js';
export {
  escapeRegExp,
  generateRegistration,
  generateRegistrationCommand,
  ghostAliasRegex,
  ghostUserRegex,
  readRegistration,
  writeRegistration,
  type ReadRegistrationOptions,
  type Registration,
  type RegistrationInfo,
  type RegistrationNamespace,
  type RegistrationNamespaces,
  type WriteRegistrationOptions,
} from './registration.js';
export {
  registrationMismatches,
  sampleGhostUserId,
  verifyRegistration,
} from './registration-match.js';
