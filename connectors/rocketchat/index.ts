import type { ConnectorDefinition } from '../../src/connector/index.js';
import { configSchema, type RocketChatConfig } from './config.js';
import { RocketChatConnector } from './connector.js';
import { CONNECTOR_ID } from './ids.js';
import { ROCKETCHAT_ERROR_CODES } from './error-codes.js';

export const definition: ConnectorDefinition<RocketChatConfig> = {
  id: CONNECTOR_ID,
  displayName: 'Rocket.Chat',
  configSchema,
  errorCodes: ROCKETCHAT_ERROR_CODES,
  create: (ctx, config) => new RocketChatConnector(ctx, config),
};
