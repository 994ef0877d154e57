import { defineErrorCodes } from '../../src/connector/index.js';

/** Rocket.Chat's error codes in the bridge's registry (docs/errors.md, "Connectors"). */
export const ROCKETCHAT_ERROR_CODES = defineErrorCodes({
  ROCKETCHAT_AUTH: {
    httpStatus: 401,
    logLevel: 'error',
    action: "Check user_id and token in the connector config; the bot's token may be revoked.",
  },
  USER_UNKNOWN: {
    httpStatus: 404,
    logLevel: 'warn',
    action: 'Nothing when the user was deleted; otherwise check the bot may read users.',
  },
});

declare module '../../src/connector/index.js' {
  interface ConnectorErrorCodes {
    rocketchat: typeof ROCKETCHAT_ERROR_CODES;
  }
}
