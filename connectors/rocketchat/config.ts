import { workspacesConfigSchema } from '../../src/connector/index.js';

/** How Matrix users appear on Rocket.Chat. */
export type IdentityMode = 'auto' | 'impersonate' | 'attribution';

export interface WorkspaceConfig {
  /** Server base URL (the Site URL), e.g. https://chat.example.org */
  url: string;
  /** The bot user's id (X-User-Id). */
  user_id: string;
  /** A personal access token of the bot user (X-Auth-Token). */
  token: string;
  /**
   * `impersonate`: post with the Matrix sender's name and avatar (alias/avatar; needs the
   * `message-impersonate` permission). `attribution`: name the sender in the text. `auto`
   * (default): impersonate when the bot has the permission, else attribution.
   */
  identity: IdentityMode;
}

export interface RocketChatConfig {
  workspaces: Record<string, WorkspaceConfig>;
}

export const configSchema = workspacesConfigSchema(
  {
    required: ['url', 'user_id', 'token'],
    properties: {
      url: {
        type: 'string',
        pattern: '^https?://[^\\s/]+(/[^\\s]*)?$',
        'x-hint': 'the server base URL (Site URL), e.g. https://chat.example.org',
      },
      user_id: {
        type: 'string',
        pattern: '^[A-Za-z0-9._-]{1,64}$',
        'x-hint': "the bot user's id, shown when the personal access token is created",
      },
      token: {
        type: 'string',
        minLength: 1,
        'x-hint': 'a personal access token of the bot user (My Account → Personal Access Tokens)',
      },
      identity: { type: 'string', enum: ['auto', 'impersonate', 'attribution'], default: 'auto' },
    },
  },
  'one entry per Rocket.Chat server, e.g. workspaces: { main: { url, user_id, token } }',
);
