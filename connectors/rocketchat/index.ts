import type { ConnectorDefinition } from '../../src/connector/index.js';
import { configSchema, type RocketChatConfig } from './config.js';
import { RocketChatConnector } from './connector.js';
import { CONNECTOR_ID } from './ids.js';

export const definition: ConnectorDefinition<RocketChatConfig> = {
  id: CONNECTOR_ID,
  displayName: 'Rocket.Chat',
  configSchema,
  create: (ctx, config) => new RocketChatConnector(ctx, config),
};
