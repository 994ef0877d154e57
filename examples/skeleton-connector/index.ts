/**
 * The skeleton connector's entry point. The core loads `connectors/<id>/index.js` for every
 * id under `connectors:` in the config and needs only this `definition` from it.
 */
import type { ConnectorDefinition } from '../../src/connector/index.js';
import { configSchema, type MemoConfig } from './config.js';
import { MemoConnector } from './connector.js';

export const definition: ConnectorDefinition<MemoConfig> = {
  id: 'memo',
  displayName: 'Memo Chat',
  configSchema,
  create: (ctx, config) => new MemoConnector(ctx, config),
};
