import type { ConnectorDefinition } from '../../src/connector/index.js';
import { configSchema, type MattermostConfig } from './config.js';
import { MattermostConnector } from './connector.js';

export const definition: ConnectorDefinition<MattermostConfig> = {
  id: 'mattermost',
  displayName: 'Mattermost',
  configSchema,
  create: (ctx, config) => new MattermostConnector(ctx, config),
};
