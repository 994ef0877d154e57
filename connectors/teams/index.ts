import type { ConnectorDefinition } from '../../src/connector/index.js';
import { configSchema, type TeamsConfig } from './config.js';
import { TeamsConnector } from './connector.js';

export const definition: ConnectorDefinition<TeamsConfig> = {
  id: 'teams',
  displayName: 'Microsoft Teams',
  configSchema,
  create: (ctx, config) => new TeamsConnector(ctx, config),
};
