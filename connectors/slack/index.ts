import type { ConnectorDefinition } from '../../src/connector/index.js';
import { configSchema, type SlackConfig } from './config.js';
import { SlackConnector } from './connector.js';

export const definition: ConnectorDefinition<SlackConfig> = {
  id: 'slack',
  displayName: 'Slack',
  configSchema,
  create: (ctx, config) => new SlackConnector(ctx, config),
};
