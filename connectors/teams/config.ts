/** The `connectors.teams` config block: JSON schema (ajv, with defaults) and resolved types. */
import { BridgeError, workspacesConfigSchema } from '../../src/connector/index.js';

export interface TeamsWorkspaceConfig {
  /** Entra ID tenant (directory) id. */
  tenant_id: string;
  /** The bot's Microsoft App ID (the app registration's client id). */
  app_id: string;
  /** A client secret of the app registration. */
  app_password: string;
  /** 32-byte key (base64 or hex) that encrypts linked users' tokens; without it, linking is off. */
  token_encryption_key?: string;
}

export interface TeamsConfig {
  workspaces: Record<string, TeamsWorkspaceConfig>;
  login_url: string;
  openid_metadata_url: string;
  token_issuer: string;
  graph_url: string;
  default_service_url: string;
  service_url_hosts: string[];
  catchup: { interval_seconds: number; settle_seconds: number };
  extra_ca_certs?: string;
}

const GUID = '^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$';
const HTTPS_URL = '^https://[^\\s]+$';

export const DEFAULTS = {
  login_url: 'https://login.microsoftonline.com',
  openid_metadata_url: 'https://login.botframework.com/v1/.well-known/openidconfiguration',
  token_issuer: 'https://api.botframework.com',
  graph_url: 'https://graph.microsoft.com/v1.0',
  default_service_url: 'https://smba.trafficmanager.net/teams/',
  service_url_hosts: [
    'smba.trafficmanager.net',
    'smba.infra.gcc.teams.microsoft.com',
    'smba.infra.gov.teams.microsoft.us',
    'smba.infra.dod.teams.microsoft.us',
  ],
  catchup: { interval_seconds: 300, settle_seconds: 10 },
} as const;

export const configSchema = workspacesConfigSchema(
  {
    required: ['tenant_id', 'app_id', 'app_password'],
    properties: {
      tenant_id: {
        type: 'string',
        pattern: GUID,
        'x-hint': 'the Directory (tenant) ID from the app registration, a GUID',
      },
      app_id: { type: 'string', pattern: GUID, 'x-hint': 'the Application (client) ID, a GUID' },
      app_password: { type: 'string', minLength: 1 },
      token_encryption_key: {
        type: 'string',
        pattern: '^([0-9a-fA-F]{64}|[A-Za-z0-9+/]{43}=)$',
        'x-hint': '32 random bytes as 64 hex digits or base64, e.g. `openssl rand -base64 32`',
      },
    },
  },
  undefined,
  {
    login_url: { type: 'string', pattern: HTTPS_URL, default: DEFAULTS.login_url },
    openid_metadata_url: {
      type: 'string',
      pattern: HTTPS_URL,
      default: DEFAULTS.openid_metadata_url,
    },
    token_issuer: { type: 'string', minLength: 1, default: DEFAULTS.token_issuer },
    graph_url: { type: 'string', pattern: HTTPS_URL, default: DEFAULTS.graph_url },
    default_service_url: {
      type: 'string',
      pattern: HTTPS_URL,
      default: DEFAULTS.default_service_url,
    },
    service_url_hosts: {
      type: 'array',
      minItems: 1,
      items: { type: 'string', pattern: '^(\\*\\.)?[a-z0-9.-]+$' },
      default: [...DEFAULTS.service_url_hosts],
    },
    catchup: {
      type: 'object',
      additionalProperties: false,
      default: {},
      properties: {
        interval_seconds: {
          type: 'number',
          minimum: 1,
          maximum: 86400,
          default: DEFAULTS.catchup.interval_seconds,
        },
        settle_seconds: {
          type: 'number',
          minimum: 0,
          maximum: 3600,
          default: DEFAULTS.catchup.settle_seconds,
        },
      },
    },
    extra_ca_certs: {
      type: 'string',
      pattern: '-----BEGIN CERTIFICATE-----',
      'x-hint': 'PEM certificates to trust in addition to the system roots',
    },
  },
);

/** Fills defaults (the core's loader does this through ajv; tests and direct callers may not). */
export function resolveConfig(
  raw: Partial<TeamsConfig> & Pick<TeamsConfig, 'workspaces'>,
): TeamsConfig {
  if (!raw?.workspaces || Object.keys(raw.workspaces).length === 0) {
    throw new BridgeError(
      'CONFIG_INVALID',
      'connectors.teams.workspaces needs at least one workspace',
    );
  }
  return {
    workspaces: raw.workspaces,
    login_url: (raw.login_url ?? DEFAULTS.login_url).replace(/\/$/, ''),
    openid_metadata_url: raw.openid_metadata_url ?? DEFAULTS.openid_metadata_url,
    token_issuer: raw.token_issuer ?? DEFAULTS.token_issuer,
    graph_url: (raw.graph_url ?? DEFAULTS.graph_url).replace(/\/$/, ''),
    default_service_url: raw.default_service_url ?? DEFAULTS.default_service_url,
    service_url_hosts: raw.service_url_hosts ?? [...DEFAULTS.service_url_hosts],
    catchup: {
      interval_seconds: raw.catchup?.interval_seconds ?? DEFAULTS.catchup.interval_seconds,
      settle_seconds: raw.catchup?.settle_seconds ?? DEFAULTS.catchup.settle_seconds,
    },
    extra_ca_certs: raw.extra_ca_certs,
  };
}

/** Whether `serviceUrl` is an https URL on one of the trusted Bot Connector hosts. */
export function trustedServiceUrl(serviceUrl: string, hosts: readonly string[]): boolean {
  let url: URL;
  try {
    url = new URL(serviceUrl);
  } catch {
    return false;
  }
  if (url.protocol !== 'https:' || url.username || url.password) return false;
  const host = url.hostname.toLowerCase();
  return hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h));
}
