import { createHash } from 'node:crypto';
import { solidPng } from '../mattermost/images.js';
import { secret, slackId, token } from './ids.js';
import { joinChannel } from './methods/posting.js';
import type { Sim } from './context.js';
import { hashOf, type EventDelivery, type UserRecord } from './state.js';

/** The scopes a bridge app asks for (see docs/slack.md). */
export const BRIDGE_BOT_SCOPES = [
  'chat:write',
  'chat:write.customize',
  'channels:history',
  'groups:history',
  'channels:read',
  'groups:read',
  'channels:join',
  'users:read',
  'reactions:read',
  'reactions:write',
  'files:read',
  'files:write',
];

export const USER_SCOPES = [
  'chat:write',
  'channels:history',
  'groups:history',
  'channels:read',
  'groups:read',
  'channels:write',
  'users:read',
  'reactions:read',
  'reactions:write',
  'files:read',
  'files:write',
];

export interface AppCredentials {
  appId: string;
  botId: string;
  botUserId: string;
  botToken: string;
  appToken: string;
  signingSecret: string;
  verificationToken: string;
}

export interface CreateUserOptions {
  name: string;
  realName?: string;
  displayName?: string;
  scopes?: string[];
  avatarPng?: Buffer;
}

function colourFor(seed: string): [number, number, number] {
  const h = createHash('sha1').update(seed).digest();
  return [h[0]!, h[1]!, h[2]!];
}

/** Direct (non-HTTP) setup of the simulated Slack, for tests and the demo. */
export class Control {
  readonly avatars = new Map<string, Buffer>();

  constructor(private readonly sim: Sim) {}

  private get state() {
    return this.sim.state;
  }

  private storeAvatar(png: Buffer): string {
    const hash = hashOf(png);
    this.avatars.set(hash, png);
    return hash;
  }

  createWorkspace(opts: { name: string; domain?: string }): { id: string; name: string } {
    const id = slackId('T');
    const domain = opts.domain ?? opts.name.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    this.state.workspaces.set(id, { id, name: opts.name, domain, customEmoji: new Set() });
    return { id, name: opts.name };
  }

  private team(teamId: string) {
    const ws = this.state.workspaces.get(teamId);
    if (!ws) throw new Error(`no such workspace: ${teamId}`);
    return ws;
  }

  createUser(teamId: string, opts: CreateUserOptions): { id: string; token: string } {
    this.team(teamId);
    const id = slackId('U');
    const avatar = opts.avatarPng ?? solidPng(72, 72, colourFor(id));
    const user: UserRecord = {
      id,
      teamId,
      name: opts.name,
      realName: opts.realName ?? opts.name,
      displayName: opts.displayName ?? '',
      isBot: false,
      deleted: false,
      avatar,
      avatarHash: this.storeAvatar(avatar),
      updated: Math.floor(Date.now() / 1000),
    };
    this.state.users.set(id, user);
    const secretToken = token('xoxp');
    this.state.tokens.set(secretToken, {
      token: secretToken,
      kind: 'user',
      teamId,
      userId: id,
      scopes: new Set(opts.scopes ?? USER_SCOPES),
      revoked: false,
    });
    return { id, token: secretToken };
  }

  /** Changes a user's profile (a new avatar gets a new hash, so new image URLs). */
  updateUser(userId: string, p: { displayName?: string; realName?: string; avatarPng?: Buffer }) {
    const u = this.state.users.get(userId);
    if (!u) throw new Error(`no such user: ${userId}`);
    if (p.displayName !== undefined) u.displayName = p.displayName;
    if (p.realName !== undefined) u.realName = p.realName;
    if (p.avatarPng) u.avatarHash = this.storeAvatar(p.avatarPng);
    u.updated = Math.floor(Date.now() / 1000);
  }

  /** An installed app with a bot user: the bridge itself, or another integration. */
  createApp(
    teamId: string,
    opts: { name: string; botName?: string; scopes?: string[]; iconPng?: Buffer },
  ): AppCredentials {
    this.team(teamId);
    const appId = slackId('A');
    const botId = slackId('B');
    const botUserId = slackId('U');
    const icon = opts.iconPng ?? solidPng(72, 72, colourFor(botId));
    const iconHash = this.storeAvatar(icon);
    const now = Math.floor(Date.now() / 1000);
    const botName = opts.botName ?? opts.name.toLowerCase().replace(/[^a-z0-9_-]+/g, '_');
    this.state.users.set(botUserId, {
      id: botUserId,
      teamId,
      name: botName,
      realName: opts.name,
      displayName: '',
      isBot: true,
      botId,
      deleted: false,
      avatar: icon,
      avatarHash: iconHash,
      updated: now,
    });
    this.state.bots.set(botId, {
      id: botId,
      teamId,
      appId,
      userId: botUserId,
      name: opts.name,
      icon,
      iconHash,
      updated: now,
    });
    const creds: AppCredentials = {
      appId,
      botId,
      botUserId,
      botToken: token('xoxb'),
      appToken: token('xapp'),
      signingSecret: secret(),
      verificationToken: secret().slice(0, 24),
    };
    this.state.apps.set(appId, {
      id: appId,
      teamId,
      name: opts.name,
      botId,
      botUserId,
      botToken: creds.botToken,
      appToken: creds.appToken,
      signingSecret: creds.signingSecret,
      verificationToken: creds.verificationToken,
      delivery: { mode: 'none' },
    });
    const base = { teamId, revoked: false };
    this.state.tokens.set(creds.botToken, {
      ...base,
      token: creds.botToken,
      kind: 'bot',
      userId: botUserId,
      botId,
      appId,
      scopes: new Set(opts.scopes ?? BRIDGE_BOT_SCOPES),
    });
    this.state.tokens.set(creds.appToken, {
      ...base,
      token: creds.appToken,
      kind: 'app',
      appId,
      scopes: new Set(['connections:write']),
    });
    return creds;
  }

  createChannel(
    teamId: string,
    name: string,
    opts: {
      private?: boolean;
      direct?: 'im' | 'mpim';
      topic?: string;
      purpose?: string;
      members?: string[];
    } = {},
  ): { id: string; name: string } {
    this.team(teamId);
    if (!/^[a-z0-9][a-z0-9_-]{0,79}$/.test(name)) throw new Error(`invalid channel name: ${name}`);
    const isPrivate = (opts.private ?? false) || opts.direct !== undefined;
    const id = slackId(opts.direct === 'im' ? 'D' : isPrivate ? 'G' : 'C');
    this.state.channels.set(id, {
      id,
      teamId,
      name,
      isPrivate,
      ...(opts.direct ? { direct: opts.direct } : {}),
      created: Math.floor(Date.now() / 1000),
      creator: opts.members?.[0] ?? '',
      topic: opts.topic ?? '',
      purpose: opts.purpose ?? '',
      archived: false,
      members: new Set(opts.members ?? []),
    });
    return { id, name };
  }

  /** Adds silently (`announce`: as a join over the API, with message and event). */
  addToChannel(channelId: string, userId: string, announce = false): void {
    const c = this.state.channels.get(channelId);
    if (!c) throw new Error(`no such channel: ${channelId}`);
    if (!this.state.users.has(userId)) throw new Error(`no such user: ${userId}`);
    if (announce) joinChannel(this.sim, c, userId);
    else c.members.add(userId);
  }

  addCustomEmoji(teamId: string, name: string): void {
    this.team(teamId).customEmoji.add(name);
  }

  setScopes(secretToken: string, scopes: string[]): void {
    const t = this.state.tokens.get(secretToken);
    if (!t) throw new Error('no such token');
    t.scopes = new Set(scopes);
  }

  revokeToken(secretToken: string): void {
    const t = this.state.tokens.get(secretToken);
    if (t) t.revoked = true;
  }

  /** Makes files.info and events show these URLs for a file (a tampered or hostile answer). */
  setFileUrls(fileId: string, urls: { private: string; download: string }): void {
    const f = this.state.files.get(fileId);
    if (!f) throw new Error(`no such file: ${fileId}`);
    f.urls = urls;
  }

  setEventDelivery(appId: string, delivery: EventDelivery): void {
    const app = this.state.apps.get(appId);
    if (!app) throw new Error(`no such app: ${appId}`);
    app.delivery = delivery;
  }
}
