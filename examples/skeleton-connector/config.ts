/** The connector's block under `connectors.memo` in the bridge config, and its JSON schema. */

export interface WorkspaceConfig {
  /** Which Memo Chat to talk to; a real platform would have its server URL here. */
  platform: string;
  /** The bot account's token. */
  token: string;
}

export interface MemoConfig {
  workspaces: Record<string, WorkspaceConfig>;
}

/** Checked by the core (ajv) before `create` is called; errors name the key that is wrong. */
export const configSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['workspaces'],
  properties: {
    workspaces: {
      type: 'object',
      minProperties: 1,
      propertyNames: { pattern: '^[a-z0-9][a-z0-9-]*$' },
      additionalProperties: {
        type: 'object',
        additionalProperties: false,
        required: ['platform', 'token'],
        properties: {
          platform: { type: 'string', minLength: 1 },
          token: { type: 'string', minLength: 1 },
        },
      },
    },
  },
} as const;
