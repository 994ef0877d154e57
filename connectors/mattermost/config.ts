import { workspacesConfigSchema } from '../../src/connector/index.js';

/** How Matrix users appear on Mattermost. */
export type IdentityMode = 'auto' | 'override' | 'attribution';

export interface WorkspaceConfig {
  /** Server base URL, e.g. https://mattermost.example.org */
  url: string;
  /** Bot account access token. */
  token: string;
  identity: IdentityMode;
}

export interface MattermostConfig {
  workspaces: Record<string, WorkspaceConfig>;
}

export const configSchema = workspacesConfigSchema({
  required: ['url', 'token'],
  properties: {
    url: { type: 'string', pattern: '^https?://[^\\s]+$' },
    token: { type: 'string', minLength: 1 },
    identity: { type: 'string', enum: ['auto', 'override', 'attribution'], default: 'auto' },
  },
});
