import { defineErrorCodes } from '../../src/connector/index.js';

/** Slack's error codes in the bridge's registry (docs/errors.md, "Connectors"; docs/slack.md). */
export const SLACK_ERROR_CODES = defineErrorCodes({
  SLACK_AUTH: {
    httpStatus: 401,
    logLevel: 'error',
    action: "Reinstall the Slack app and update the bot token in the connector's config.",
  },
  SLACK_MISSING_SCOPE: {
    httpStatus: 403,
    logLevel: 'error',
    action: 'Add the scope the message names to the Slack app and reinstall it.',
  },
  SLACK_RATE_LIMITED: {
    httpStatus: 429,
    logLevel: 'info',
    action: 'Nothing: the delivery is retried after the wait Slack asked for.',
  },
  SLACK_API_ERROR: {
    httpStatus: 502,
    logLevel: 'warn',
    action: "Look up Slack's error name in the message in the Slack API documentation.",
  },
  SLACK_UNREACHABLE: {
    httpStatus: 502,
    logLevel: 'warn',
    action: "Check the bridge's network route to Slack (or the configured api_url).",
  },
  SLACK_FILE_REFUSED: {
    httpStatus: 403,
    logLevel: 'warn',
    action: 'Nothing when a sender tried it; otherwise check the files:read scope.',
  },
});

declare module '../../src/connector/index.js' {
  interface ConnectorErrorCodes {
    slack: typeof SLACK_ERROR_CODES;
  }
}
