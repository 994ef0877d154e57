/**
 * The application-service registration: the file the homeserver loads (via
 * `app_service_config_files`) that holds the shared tokens and the user/alias namespaces the
 * bridge owns.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Document, LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { ValidateFunction } from 'ajv';
import { errorMessage } from '../util/errors.js';
import { ConfigError, ConfigErrorCode, formatProblems, type ConfigProblem } from './errors.js';
import { formatPath, isPlainObject } from './paths.js';
import {
  CONNECTOR_ID_PATTERN,
  HINT_KEYWORD,
  LOCALPART_PATTERN,
  type BridgeConfig,
} from './schema.js';
import { describeAjvErrors, newAjv } from './validate.js';

export interface RegistrationNamespace {
  exclusive: boolean;
  regex: string;
}

export interface RegistrationNamespaces {
  users: RegistrationNamespace[];
  aliases: RegistrationNamespace[];
  rooms: RegistrationNamespace[];
}

/** What the bridge needs from a registration file. */
export interface RegistrationInfo {
  id: string;
  /** Where the homeserver pushes transactions; null when the homeserver must not push. */
  url: string | null;
  as_token: string;
  hs_token: string;
  sender_localpart: string;
  namespaces: RegistrationNamespaces;
}

/** A registration as generated (and written) by the bridge. */
export interface Registration extends RegistrationInfo {
  url: string;
  rate_limited: boolean;
}

/** The command that creates a registration file, for messages. */
export function generateRegistrationCommand(
  configPath = 'config.yaml',
  output = 'registration.yaml',
) {
  return `matrix-platform-bridge generate-registration -c ${configPath} -o ${output}`;
}

/** Escape `text` for use as a literal inside a regular expression (JS and Python alike). */
export function escapeRegExp(text: string): string {
  return text.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&');
}

/**
 * Regex of every ghost user id, whatever the connector:
 * `@{ghost_prefix}{connector}_{workspace}_{user}:{domain}` all fall under `@{ghost_prefix}.*`.
 */
export function ghostUserRegex(config: Pick<BridgeConfig, 'appservice' | 'homeserver'>): string {
  return `^@${escapeRegExp(config.appservice.ghost_prefix)}.*:${escapeRegExp(config.homeserver.domain)}$`;
}

/** Regex of the room aliases the bridge owns: `#{ghost_prefix}…:{domain}`. */
export function ghostAliasRegex(config: Pick<BridgeConfig, 'appservice' | 'homeserver'>): string {
  return `^#${escapeRegExp(config.appservice.ghost_prefix)}.*:${escapeRegExp(config.homeserver.domain)}$`;
}

function newToken(): string {
  return randomBytes(32).toString('hex');
}

/**
 * A fresh registration for `config`: new random tokens, exclusive namespaces for the ghost
 * users and aliases. `connectorIds` are the connectors the bridge will run; one namespace
 * covers them all, so adding a connector later needs no new registration.
 */
export function generateRegistration(config: BridgeConfig, connectorIds: string[]): Registration {
  const idPattern = new RegExp(CONNECTOR_ID_PATTERN);
  const bad = connectorIds.filter((id) => !idPattern.test(id));
  if (bad.length > 0) {
    throw ConfigError.invalid(
      bad.map((id) => ({
        path: formatPath(['connectors', id]),
        message: 'is not a valid connector id',
      })),
      'the connector list',
    );
  }
  const asToken = newToken();
  let hsToken = newToken();
  while (hsToken === asToken) hsToken = newToken();
  const registration: Registration = {
    id: config.appservice.id,
    url: config.appservice.url,
    as_token: asToken,
    hs_token: hsToken,
    sender_localpart: config.appservice.bot_localpart,
    rate_limited: false,
    namespaces: {
      users: [{ exclusive: true, regex: ghostUserRegex(config) }],
      aliases: [{ exclusive: true, regex: ghostAliasRegex(config) }],
      rooms: [],
    },
  };
  return registration;
}

export interface WriteRegistrationOptions {
  /** Replace an existing file. The homeserver must then be restarted to pick up the new tokens. */
  force?: boolean;
  /** Connector ids, mentioned in the file's header comment. */
  connectorIds?: string[];
}

/**
 * Write `reg` as YAML with mode 0600. Refuses to overwrite an existing file unless `force`
 * (then the file is replaced atomically, never readable by others even briefly).
 */
export function writeRegistration(
  path: string,
  reg: RegistrationInfo | Registration,
  opts: WriteRegistrationOptions = {},
): void {
  const file = resolve(path);
  const doc = new Document(reg);
  doc.commentBefore = [
    ' Matrix application-service registration for matrix-platform-bridge.',
    ' Add this file to app_service_config_files in the homeserver configuration and restart',
    ' the homeserver. It holds secret tokens: keep it private.',
    ...(opts.connectorIds?.length ? [` Connectors: ${opts.connectorIds.join(', ')}`] : []),
  ].join('\n');
  const text = doc.toString();

  const target = opts.force ? `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp` : file;
  try {
    writeFileSync(target, text, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST' && !opts.force) {
      const message =
        `Refusing to overwrite the registration file ${file}: it already exists, and the homeserver ` +
        `may already be using its tokens.\nTo replace it, run the command again with --force, ` +
        `then restart the homeserver so it reads the new tokens.`;
      throw new ConfigError(ConfigErrorCode.RegistrationExists, message, [
        { path: '', message: `${file} already exists` },
      ]);
    }
    throw new ConfigError(
      ConfigErrorCode.RegistrationInvalid,
      `Cannot write the registration file ${file}: ${errorMessage(err)}`,
      [{ path: '', message: errorMessage(err) }],
      { cause: err },
    );
  }
  if (target !== file) {
    try {
      renameSync(target, file);
    } catch (err) {
      rmSync(target, { force: true });
      throw new ConfigError(
        ConfigErrorCode.RegistrationInvalid,
        `Cannot write the registration file ${file}: ${errorMessage(err)}`,
        [{ path: '', message: errorMessage(err) }],
        { cause: err },
      );
    }
  }
}

const namespaceList = {
  type: 'array',
  default: [],
  items: {
    type: 'object',
    required: ['regex'],
    properties: {
      exclusive: { type: 'boolean', default: false },
      regex: { type: 'string', minLength: 1 },
    },
  },
} as const;

const registrationSchema = {
  type: 'object',
  required: ['id', 'url', 'as_token', 'hs_token', 'sender_localpart', 'namespaces'],
  properties: {
    id: { type: 'string', minLength: 1 },
    url: { type: ['string', 'null'] },
    as_token: { type: 'string', minLength: 1 },
    hs_token: { type: 'string', minLength: 1 },
    sender_localpart: {
      type: 'string',
      pattern: LOCALPART_PATTERN,
      [HINT_KEYWORD]: 'must contain only lowercase letters, digits and . _ = / -',
    },
    rate_limited: { type: 'boolean' },
    namespaces: {
      type: 'object',
      properties: { users: namespaceList, aliases: namespaceList, rooms: namespaceList },
    },
  },
} as const;

let registrationValidator: ValidateFunction | undefined;

export interface ReadRegistrationOptions {
  /** The config file's path, used in the "how to create it" hint. */
  configPath?: string;
}

/** The file's text, or a ConfigError saying how to create it or make it readable. */
function readRegistrationText(file: string, command: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'does not exist'
        : code === 'EACCES' || code === 'EPERM'
          ? 'cannot be read (permission denied)'
          : `cannot be read (${errorMessage(err)})`;
    const message =
      `The registration file ${file} ${reason}.\n` +
      (code === 'ENOENT'
        ? `Create it with:\n  ${command}\nthen add it to app_service_config_files in the ` +
          `homeserver's configuration (homeserver.yaml) and restart the homeserver.`
        : `Make it readable by the user the bridge runs as (it should be mode 0600).`);
    throw new ConfigError(
      ConfigErrorCode.RegistrationInvalid,
      message,
      [{ path: '', message: `${file} ${reason}` }],
      {
        cause: err,
      },
    );
  }
}

/** Problems with the file's YAML syntax, each with its position. */
function yamlSyntaxProblems(errors: readonly YAMLError[]): ConfigProblem[] {
  return errors.map((e) => {
    const pos = e.linePos?.[0];
    const first = (e.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    return {
      path: '',
      message: `${pos ? `line ${pos.line}, column ${pos.col}: ` : ''}${first}`,
    };
  });
}

/** What is wrong with the registration's content; empty when it is usable. */
function registrationProblems(text: string): { data: unknown; problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: true });
  if (doc.errors.length > 0) return { data: undefined, problems: yamlSyntaxProblems(doc.errors) };
  const data: unknown = doc.toJS();
  if (!isPlainObject(data)) {
    return {
      data,
      problems: [{ path: '', message: 'the file must be a YAML mapping (id:, as_token:, …)' }],
    };
  }
  registrationValidator ??= newAjv(false).compile(registrationSchema);
  if (!registrationValidator(data)) {
    const problems = describeAjvErrors(registrationValidator.errors ?? [], data).map((p) => ({
      path: p.path,
      message: p.message,
    }));
    return { data, problems };
  }
  const reg = data as unknown as RegistrationInfo;
  if (reg.as_token === reg.hs_token) {
    return { data, problems: [{ path: 'hs_token', message: 'must differ from as_token' }] };
  }
  return { data, problems: [] };
}

/** Read and check a registration file. Throws ConfigError (code REGISTRATION_INVALID). */
export function readRegistration(
  path: string,
  opts: ReadRegistrationOptions = {},
): RegistrationInfo {
  const file = resolve(path);
  const command = generateRegistrationCommand(opts.configPath, path);
  const { data, problems } = registrationProblems(readRegistrationText(file, command));
  if (problems.length > 0) {
    throw new ConfigError(
      ConfigErrorCode.RegistrationInvalid,
      formatProblems(
        problems,
        `The registration file ${file} is malformed`,
        `fix it, or create a new one with \`${command} --force\` and restart the homeserver`,
      ),
      problems,
    );
  }
  const reg = data as RegistrationInfo;
  return {
    id: reg.id,
    url: reg.url,
    as_token: reg.as_token,
    hs_token: reg.hs_token,
    sender_localpart: reg.sender_localpart,
    namespaces: reg.namespaces,
  };
}
