/** The connector's block under `connectors.memo` in the bridge config, and its JSON schema. */
import { workspacesConfigSchema } from '../../src/connector/index.js';

export interface WorkspaceConfig {
  /** Which Memo Chat to talk to; a real platform would have its server URL here. */
  platform: string;
  /** The bot account's token. */
  token: string;
}

export interface MemoConfig {
  workspaces: Record<string, WorkspaceConfig>;
}

/**
 * Checked by the core (ajv) before `create` is called; errors name the key that is wrong. The
 * toolkit writes the `workspaces:` block (names by the core's rule, at least one, no stray
 * keys); a connector describes one workspace's entry.
 */
export const configSchema = workspacesConfigSchema({
  required: ['platform', 'token'],
  properties: {
    platform: { type: 'string', minLength: 1 },
    token: { type: 'string', minLength: 1 },
  },
});
