import { defineErrorCodes } from '../../src/connector/index.js';

/** Microsoft Teams' error codes in the bridge's registry (docs/teams.md, "Error codes"). */
export const TEAMS_ERROR_CODES = defineErrorCodes({
  TEAMS_BAD_CREDENTIALS: {
    httpStatus: 401,
    logLevel: 'error',
    action: 'Check app_id, app_password and tenant_id in the connector config.',
  },
  TEAMS_ACTIVITY_UNAUTHENTICATED: {
    httpStatus: 401,
    logLevel: 'warn',
    action: 'Nothing when someone probed the endpoint; otherwise check app_id.',
  },
  TEAMS_ACTIVITY_MALFORMED: { httpStatus: 400, logLevel: 'warn', action: 'Nothing.' },
  TEAMS_SERVICE_URL_UNTRUSTED: {
    httpStatus: 403,
    logLevel: 'warn',
    action: 'Add the host to service_url_hosts if it is a genuine Microsoft host.',
  },
  TEAMS_OPENID_METADATA: {
    httpStatus: 502,
    logLevel: 'warn',
    action: "Check the bridge's network route to login.botframework.com.",
  },
  TEAMS_MESSAGE_TOO_LARGE: {
    httpStatus: 413,
    logLevel: 'warn',
    action: 'Send a shorter message or smaller files.',
  },
  TEAMS_GRAPH_FORBIDDEN: {
    httpStatus: 403,
    logLevel: 'error',
    action: 'Grant the Graph permission and admin consent docs/teams.md lists.',
  },
  TEAMS_TEAM_UNKNOWN: {
    httpStatus: 404,
    logLevel: 'warn',
    action: 'Install the app in the team, or grant Team.ReadBasic.All.',
  },
  TEAMS_CHAT_UNKNOWN: {
    httpStatus: 404,
    logLevel: 'warn',
    action: 'Install the app in the chat, or check the chat id.',
  },
  TEAMS_LINK_STATE: {
    httpStatus: 400,
    logLevel: 'info',
    action: 'Start the account link again (!login).',
  },
  TEAMS_LINK_DENIED: {
    httpStatus: 403,
    logLevel: 'info',
    action: 'Nothing: the user cancelled the sign-in.',
  },
  TEAMS_LINK_REFUSED: {
    httpStatus: 401,
    logLevel: 'warn',
    action: 'Start the account link again; check the app registration’s redirect URI.',
  },
  TEAMS_LINK_FAILED: {
    httpStatus: 502,
    logLevel: 'warn',
    action: 'Try the account link again later.',
  },
  TEAMS_LINK_BUSY: {
    httpStatus: 429,
    logLevel: 'info',
    action: 'Finish or wait out the account links in progress.',
  },
  TEAMS_LINK_ENDED: {
    httpStatus: 401,
    logLevel: 'info',
    action: 'The user links their account again (!login).',
  },
  TEAMS_REACTION_UNKNOWN: {
    httpStatus: 501,
    logLevel: 'debug',
    action: 'Nothing: Teams has no equivalent reaction.',
  },
  TEAMS_NOT_STARTED: {
    httpStatus: 500,
    logLevel: 'error',
    action: 'Report it: the connector was used before it started.',
  },
});

declare module '../../src/connector/index.js' {
  interface ConnectorErrorCodes {
    teams: typeof TEAMS_ERROR_CODES;
  }
}
