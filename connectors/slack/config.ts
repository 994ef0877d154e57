import { workspacesConfigSchema } from '../../src/connector/index.js';

/** How Matrix users appear on Slack. */
export type IdentityMode = 'auto' | 'override' | 'attribution';

/** How Slack delivers events: a WebSocket the bridge opens, or HTTP requests to the bridge. */
export type EventMode = 'socket' | 'events';

export interface WorkspaceConfig {
  /** Bot token (`xoxb-…`) for every Web API call. */
  bot_token: string;
  mode: EventMode;
  /** App-level token (`xapp-…`, scope connections:write): Socket Mode only. */
  app_token?: string;
  /** Signing secret of the app: Events API only. */
  signing_secret?: string;
  /** Web API base; default https://slack.com/api/ (tests point it at a simulator). */
  api_url?: string;
  /**
   * auto: per-message name and avatar when the token has chat:write.customize, otherwise the
   * name in the text; override / attribution force one of them.
   */
  identity?: IdentityMode;
}

export interface SlackConfig {
  workspaces: Record<string, WorkspaceConfig>;
}

export const DEFAULT_API_URL = 'https://slack.com/api/';

export const configSchema = workspacesConfigSchema({
  required: ['bot_token', 'mode'],
  properties: {
    bot_token: {
      type: 'string',
      pattern: '^xoxb-[A-Za-z0-9-]+$',
      'x-hint': 'the bot token from OAuth & Permissions, starting with xoxb-',
    },
    mode: { type: 'string', enum: ['socket', 'events'] },
    app_token: {
      type: 'string',
      pattern: '^xapp-[A-Za-z0-9-]+$',
      'x-hint': 'an app-level token with connections:write, starting with xapp-',
    },
    signing_secret: {
      type: 'string',
      pattern: '^[A-Za-z0-9]{16,128}$',
      'x-hint': 'the Signing Secret from Basic Information (letters and digits)',
    },
    api_url: {
      type: 'string',
      pattern: '^https?://[^\\s]+/$',
      'x-hint': 'an http(s) URL ending in /, e.g. https://slack.com/api/',
    },
    identity: { type: 'string', enum: ['auto', 'override', 'attribution'], default: 'auto' },
  },
  allOf: [
    { if: { properties: { mode: { const: 'socket' } } }, then: { required: ['app_token'] } },
    { if: { properties: { mode: { const: 'events' } } }, then: { required: ['signing_secret'] } },
  ],
});
