/**
 * Does the registration file fit the configuration? The homeserver acts on the file it loaded,
 * the bridge on its config: when the two disagree (a bot_localpart or ghost_prefix changed
 * after registering, another bridge's file), the bridge would start and then fail in
 * confusing ways, so start-up refuses instead and says what differs. Tokens are compared,
 * never printed.
 */
import { ConfigError, ConfigErrorCode, formatProblems, type ConfigProblem } from './errors.js';
import {
  generateRegistrationCommand,
  type ReadRegistrationOptions,
  type RegistrationInfo,
  type RegistrationNamespace,
} from './registration.js';
import type { BridgeConfig } from './schema.js';

type MatchedConfig = Pick<BridgeConfig, 'appservice' | 'homeserver'>;

/** A user id every ghost's id looks like, whatever the connector, workspace and user. */
export function sampleGhostUserId(config: MatchedConfig): string {
  return `@${config.appservice.ghost_prefix}connector_workspace_user:${config.homeserver.domain}`;
}

/** Whether one namespace entry claims `userId` exclusively, as the homeserver reads it. */
function claims(ns: RegistrationNamespace, userId: string): boolean {
  if (!ns.exclusive) return false;
  try {
    // Homeservers (Synapse) anchor namespace regexes at the start of the id.
    return new RegExp(`^(?:${ns.regex})`).test(userId);
  } catch {
    return false;
  }
}

function identityProblems(config: MatchedConfig, reg: RegistrationInfo): ConfigProblem[] {
  const { appservice } = config;
  const problems: ConfigProblem[] = [];
  if (reg.id !== appservice.id) {
    problems.push({
      path: 'id',
      message: `is "${reg.id}" but appservice.id in the configuration is "${appservice.id}"`,
    });
  }
  if (reg.sender_localpart !== appservice.bot_localpart) {
    problems.push({
      path: 'sender_localpart',
      message: `is "${reg.sender_localpart}" but appservice.bot_localpart in the configuration is "${appservice.bot_localpart}"`,
    });
  }
  const url = reg.url?.replace(/\/+$/, '') ?? null;
  if (url !== appservice.url) {
    problems.push({
      path: 'url',
      message:
        url === null
          ? `is empty, so the homeserver sends the bridge nothing; appservice.url in the configuration is "${appservice.url}"`
          : `is "${url}" but appservice.url in the configuration is "${appservice.url}": the homeserver sends events there`,
    });
  }
  return problems;
}

function namespaceProblems(config: MatchedConfig, reg: RegistrationInfo): ConfigProblem[] {
  const ghost = sampleGhostUserId(config);
  const bot = `@${config.appservice.bot_localpart}:${config.homeserver.domain}`;
  if (reg.namespaces.users.some((ns) => claims(ns, ghost))) return [];
  const nonExclusive = reg.namespaces.users.some((ns) => claims({ ...ns, exclusive: true }, ghost));
  return [
    {
      path: 'namespaces.users',
      message: nonExclusive
        ? `covers ghost users such as ${ghost} but not exclusively (exclusive: true is needed so nobody else can register them)`
        : `has no exclusive regex matching ghost users such as ${ghost} (appservice.ghost_prefix or homeserver.domain changed?); the bot is ${bot}`,
    },
  ];
}

/** Registration problems a file can have and still be well-formed. */
export function registrationMismatches(
  config: MatchedConfig,
  reg: RegistrationInfo,
): ConfigProblem[] {
  const problems = [...identityProblems(config, reg), ...namespaceProblems(config, reg)];
  if (reg.as_token === reg.hs_token) {
    problems.push({ path: 'hs_token', message: 'is the same as as_token; the two must differ' });
  }
  return problems;
}

/**
 * Check that a registration fits the configuration: same id, bot user and URL, and an
 * exclusive users namespace that covers the ghosts. Throws ConfigError (code
 * REGISTRATION_MISMATCH) listing every difference and how to make a matching file.
 */
export function verifyRegistration(
  config: MatchedConfig,
  reg: RegistrationInfo,
  opts: ReadRegistrationOptions = {},
): void {
  const problems = registrationMismatches(config, reg);
  if (problems.length === 0) return;
  const file = config.appservice.registration;
  const command = generateRegistrationCommand(opts.configPath, file);
  throw new ConfigError(
    ConfigErrorCode.RegistrationMismatch,
    formatProblems(
      problems,
      `The registration file ${file} (appservice.registration) does not match the configuration`,
      `make the configuration say what the homeserver was given, or create a new registration with \`${command} --force\`, add it to app_service_config_files in homeserver.yaml and restart the homeserver`,
    ),
    problems,
  );
}
