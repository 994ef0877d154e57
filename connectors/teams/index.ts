import type { ConnectorDefinition } from '../../src/connector/index.js';
import { linkOwnerOf } from './auth/account-links.js';
import { configSchema, type TeamsConfig } from './config.js';
import { TeamsConnector } from './connector.js';
import { TEAMS_ERROR_CODES } from './error-codes.js';

export const definition: ConnectorDefinition<TeamsConfig> = {
  id: 'teams',
  displayName: 'Microsoft Teams',
  configSchema,
  errorCodes: TEAMS_ERROR_CODES,
  // Conversation references are how the bot reaches a channel at all: learnt once, kept.
  storageRetention: { keep: ['ref:'], accountLinks: ['puppet:'], accountLinkOwner: linkOwnerOf },
  create: (ctx, config) => new TeamsConnector(ctx, config),
};
