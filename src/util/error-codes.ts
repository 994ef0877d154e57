/**
 * The one registry of error codes: every code a BridgeError can carry, with the HTTP status it
 * answers with, the level the bridge logs it at and what the operator should do. docs/errors.md
 * explains each at length (test/unit/error-codes.test.ts keeps the two in step). Connectors add
 * their own codes with `defineErrorCodes` and `ConnectorErrorCodes` (see connectors' error-codes.ts).
 */

export type ErrorLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface ErrorCodeInfo {
  /** The status when the error answers an HTTP request (500 for errors that never do). */
  readonly httpStatus: number;
  /** The Matrix `errcode` of the answer, for codes the provisioning API answers with. */
  readonly errcode?: string;
  /** The level the bridge logs the error at. */
  readonly logLevel: ErrorLogLevel;
  /** What the operator should do, in one sentence. */
  readonly action: string;
}

export type ErrorCodeTable = Readonly<Record<string, ErrorCodeInfo>>;

/** Checks a table of codes against ErrorCodeInfo while keeping its literal keys. */
export function defineErrorCodes<const T extends ErrorCodeTable>(codes: T): T {
  return codes;
}

const internal = { httpStatus: 500, logLevel: 'error' } as const;
const refused = { logLevel: 'debug' } as const;

export const CORE_ERROR_CODES = defineErrorCodes({
  // Configuration and start-up
  CONFIG_INVALID: { ...internal, action: 'Fix each key the message lists in the config file.' },
  CONFIG_SCHEMA_INVALID: { ...internal, action: "Report the connector's broken schema." },
  REGISTRATION_INVALID: {
    ...internal,
    action: 'Regenerate the registration file and give it to the homeserver.',
  },
  REGISTRATION_MISMATCH: {
    ...internal,
    action: 'Make the config match the registration, or regenerate it and restart the homeserver.',
  },
  REGISTRATION_EXISTS: { ...internal, action: 'Pass --force to overwrite the file.' },
  DATABASE_INIT_FAILED: {
    ...internal,
    action: 'Make database.data_dir writable, or set database.url.',
  },
  HOMESERVER_UNREACHABLE: {
    ...internal,
    action: 'Start the homeserver, or fix homeserver.url.',
  },
  HOMESERVER_REFUSED_TOKEN: {
    ...internal,
    action: "Add the registration to the homeserver's app_service_config_files and restart it.",
  },
  HOMESERVER_MISMATCH: {
    ...internal,
    action: 'Fix homeserver.domain or appservice.bot_localpart to what the homeserver says.',
  },
  LISTEN_PORT_IN_USE: {
    ...internal,
    action: 'Stop the process on appservice.port, or choose another port.',
  },
  LISTEN_FAILED: { ...internal, action: 'Fix appservice.bind_address or appservice.port.' },
  RELOAD_NOT_RUNNING: { ...internal, action: 'Send SIGHUP once the bridge has started.' },
  CONNECTOR_UNKNOWN: {
    httpStatus: 404,
    errcode: 'M_NOT_FOUND',
    ...refused,
    action: 'Check the connector id under connectors: or in the link.',
  },
  CONNECTOR_INVALID: { ...internal, action: 'Reinstall the bridge (a packaging bug).' },
  CONNECTOR_NOT_CONFIGURED: {
    ...internal,
    action: "Add the connector's block under connectors:, or unlink the channel.",
  },
  CHANNEL_ALREADY_LINKED: {
    httpStatus: 409,
    errcode: 'M_BAD_STATE',
    ...refused,
    action: 'Unlink the channel from its other room first.',
  },
  WORKSPACE_UNKNOWN: {
    httpStatus: 404,
    errcode: 'M_NOT_FOUND',
    ...refused,
    action: 'Add the workspace under connectors.<id>.workspaces, or fix the link.',
  },
  // Delivery
  MESSAGE_TOO_LONG: {
    httpStatus: 413,
    logLevel: 'warn',
    action: 'Send shorter messages, or raise bridge.max_text_length.',
  },
  FILE_TOO_LARGE: {
    httpStatus: 413,
    logLevel: 'warn',
    action: 'Share a link instead, or raise media.max_file_size (or bridge.max_file_size).',
  },
  FILE_REFUSED: {
    httpStatus: 403,
    logLevel: 'warn',
    action: "When real files are refused, check the connector's url.",
  },
  UNSUPPORTED_MEDIA: { httpStatus: 415, logLevel: 'warn', action: 'Use an unencrypted room.' },
  REACTION_UNAVAILABLE: {
    httpStatus: 422,
    ...refused,
    action: 'The user reacts with a standard emoji; or add the emoji to the platform.',
  },
  MESSAGE_NOT_KNOWN: {
    httpStatus: 404,
    ...refused,
    action: 'The user sends the change as a new message; or raise retention.messages_days.',
  },
  REACTION_NEEDS_OWN_ACCOUNT: {
    httpStatus: 403,
    ...refused,
    action: 'The user links their account on that platform (!login <connector> <workspace>).',
  },
  UNSUPPORTED: {
    httpStatus: 501,
    errcode: 'M_UNRECOGNIZED',
    ...refused,
    action: 'Nothing: the platform has no equivalent.',
  },
  REMOTE_API_ERROR: {
    httpStatus: 502,
    logLevel: 'warn',
    action: "Check the bot's token and permissions on the platform.",
  },
  BAD_MXC: { httpStatus: 400, ...refused, action: "Nothing: the sender's client sent a bad URI." },
  // HTTP listener
  CLIENT_OVER_CAP: {
    httpStatus: 429,
    ...refused,
    action: 'Raise appservice.ingress caps when a reverse proxy shares one address.',
  },
  BODY_TIMEOUT: {
    httpStatus: 408,
    ...refused,
    action: 'Raise appservice.ingress.body_timeout_ms for very slow links.',
  },
  MEDIA_NOT_AN_IMAGE: {
    httpStatus: 415,
    logLevel: 'warn',
    action: 'Use a PNG, JPEG, GIF or WebP.',
  },
  MEDIA_IMAGE_MALFORMED: {
    httpStatus: 415,
    logLevel: 'warn',
    action: 'Save the picture again and use that.',
  },
  MEDIA_IMAGE_TOO_LARGE: { httpStatus: 415, logLevel: 'warn', action: 'Use a smaller picture.' },
  // Media policy (media: in the config)
  MEDIA_TYPE_NOT_ALLOWED: {
    httpStatus: 415,
    logLevel: 'warn',
    action: 'Send the file in an allowed type, or add its type to media.allowed_types.',
  },
  MEDIA_INFECTED: {
    httpStatus: 422,
    logLevel: 'warn',
    action:
      "Nothing to change in the bridge: tell the sender's IT security; the file was not delivered.",
  },
  MEDIA_SCANNER_UNAVAILABLE: {
    httpStatus: 503,
    logLevel: 'error',
    action:
      'Start clamd or fix media.scanner.clamd; check its StreamMaxLength against media.max_file_size.',
  },
  // Matrix catch-up
  MATRIX_CATCH_UP_STOPPED: {
    ...internal,
    logLevel: 'info',
    action: 'Nothing: it resumes at the next start.',
  },
  MATRIX_PAGING_STALLED: {
    httpStatus: 502,
    logLevel: 'warn',
    action: "If it repeats, report it with the homeserver's version.",
  },
  // Administration (provisioning API, commands, CLI, console)
  INVALID_REQUEST: {
    httpStatus: 400,
    errcode: 'M_INVALID_PARAM',
    ...refused,
    action: 'Fix the field the message names.',
  },
  NOT_JSON: {
    httpStatus: 400,
    errcode: 'M_NOT_JSON',
    ...refused,
    action: 'Send a JSON body with Content-Type: application/json.',
  },
  UNAUTHENTICATED: {
    httpStatus: 401,
    errcode: 'M_MISSING_TOKEN',
    ...refused,
    action: 'Send Authorization: Bearer with the secret or a session token.',
  },
  BAD_TOKEN: {
    httpStatus: 401,
    errcode: 'M_UNKNOWN_TOKEN',
    logLevel: 'info',
    action: 'Sign in again, or check the provisioning secret.',
  },
  PERMISSION_DENIED: {
    httpStatus: 403,
    errcode: 'M_FORBIDDEN',
    logLevel: 'info',
    action: 'Ask a bridge admin for the permission level the action needs.',
  },
  ROOM_POWER_TOO_LOW: {
    httpStatus: 403,
    errcode: 'M_FORBIDDEN',
    ...refused,
    action: "Get the power to change the room's state, or ask someone who has it.",
  },
  PRIVATE_CHANNEL_DENIED: {
    httpStatus: 403,
    errcode: 'M_FORBIDDEN',
    logLevel: 'info',
    action: 'Link your platform account, or ask a bridge admin.',
  },
  NOT_FOUND: {
    httpStatus: 404,
    errcode: 'M_NOT_FOUND',
    ...refused,
    action: 'Check the path against the OpenAPI document.',
  },
  CHANNEL_UNREACHABLE: {
    httpStatus: 404,
    errcode: 'M_NOT_FOUND',
    ...refused,
    action: 'Check the channel id and that the bot is a member.',
  },
  ROOM_NOT_FOUND: {
    httpStatus: 404,
    errcode: 'M_NOT_FOUND',
    ...refused,
    action: 'Check the room id or alias.',
  },
  LINK_NOT_FOUND: {
    httpStatus: 404,
    errcode: 'M_NOT_FOUND',
    ...refused,
    action: 'List the links (!list, GET /portals) and use one of them.',
  },
  ERASURE_SUBJECT_UNKNOWN: {
    httpStatus: 404,
    errcode: 'M_NOT_FOUND',
    logLevel: 'info',
    action: "Check the user id: the Matrix id exactly, or the platform's user id (not the name).",
  },
  METHOD_NOT_ALLOWED: {
    httpStatus: 405,
    errcode: 'M_UNRECOGNIZED',
    ...refused,
    action: 'Use the method the OpenAPI document gives.',
  },
  ROOM_UNREACHABLE: {
    httpStatus: 409,
    errcode: 'M_BAD_STATE',
    ...refused,
    action: 'Invite the bridge bot to the room.',
  },
  LINK_DECLARED: {
    httpStatus: 409,
    errcode: 'M_BAD_STATE',
    ...refused,
    action: 'Change the link under portals: in the config instead.',
  },
  ROOM_ENCRYPTED: {
    httpStatus: 409,
    errcode: 'M_BAD_STATE',
    logLevel: 'warn',
    action: 'Link a room without encryption.',
  },
  TOO_LARGE: {
    httpStatus: 413,
    errcode: 'M_TOO_LARGE',
    ...refused,
    action: 'Send a smaller body.',
  },
  RATE_LIMITED: {
    httpStatus: 429,
    errcode: 'M_LIMIT_EXCEEDED',
    ...refused,
    action: 'Wait for Retry-After before the next request.',
  },
  REMOTE_UNAVAILABLE: {
    httpStatus: 502,
    errcode: 'M_UNKNOWN',
    logLevel: 'warn',
    action: "Check the platform's or homeserver's connection state (/ready).",
  },
  ERASURE_INCOMPLETE: {
    httpStatus: 502,
    errcode: 'M_UNKNOWN',
    logLevel: 'warn',
    action: 'Check that the homeserver answers (/ready), then run the erasure again.',
  },
  INTERNAL: {
    httpStatus: 500,
    errcode: 'M_UNKNOWN',
    logLevel: 'error',
    action: "Read the bridge's log line for the request.",
  },
  // CLI
  CLI_USAGE: { ...internal, action: 'Fix the command line.' },
  CLI_NO_SECRET: { ...internal, action: 'Set admin.provisioning.secret.' },
  CLI_BRIDGE_UNREACHABLE: { ...internal, action: 'Start the bridge, or point --url at it.' },
  CLI_REQUEST_FAILED: { ...internal, action: "Read the bridge's log." },
});

export type CoreErrorCode = keyof typeof CORE_ERROR_CODES;

/**
 * Each connector adds `<connector id>: typeof <ITS>_ERROR_CODES` here by declaration merging
 * (`declare module '../../src/connector/index.js'`), so its codes become valid error codes
 * without the core naming a platform.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled by declaration merging
export interface ConnectorErrorCodes {}

export type ConnectorErrorCode = {
  [Id in keyof ConnectorErrorCodes]: keyof ConnectorErrorCodes[Id] & string;
}[keyof ConnectorErrorCodes];

/** Every code a BridgeError may carry; anything else does not compile. */
export type ErrorCode = CoreErrorCode | ConnectorErrorCode;
