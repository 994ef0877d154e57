import type { ConnectorDefinition } from '../../src/connector/index.js';
import { configSchema, type SlackConfig } from './config.js';
import { SlackConnector } from './connector.js';
import { SLACK_ERROR_CODES } from './error-codes.js';

export const definition: ConnectorDefinition<SlackConfig> = {
  id: 'slack',
  displayName: 'Slack',
  configSchema,
  errorCodes: SLACK_ERROR_CODES,
  create: (ctx, config) => new SlackConnector(ctx, config),
};
