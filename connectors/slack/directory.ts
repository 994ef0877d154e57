import { createHash } from 'node:crypto';
import { type MentionTarget, remoteMention, TtlCache } from '../../src/connector/index.js';
import type { SlackApi } from './api.js';
import { slackErrorCode } from './errors.js';
import type { MentionResolver } from './format/index.js';
import { CONNECTOR_ID, toRemoteUser } from './ids.js';
import { isObject } from './types.js';

const CACHE = { ttlMs: 10 * 60 * 1000, max: 5000 };

export interface Profile {
  displayName: string;
  /** The Slack username (`name`). */
  handle: string;
  avatarUrl?: string;
  isBot: boolean;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** The avatar handle the core stores: changes exactly when the image URL changes. */
export function avatarIdOf(url: string): string {
  return createHash('sha256').update(url).digest('hex').slice(0, 20);
}

/** Names and avatars of a workspace's people, bots and channels, cached for a while. */
export class Directory {
  /** null: Slack does not know the id (remembered too, so it is not asked again at once). */
  private readonly users = new TtlCache<string, Profile | null>(CACHE);
  private readonly channels = new TtlCache<string, string | null>(CACHE);

  constructor(
    private readonly api: SlackApi,
    private readonly workspace: string,
  ) {}

  /** A person (`U…`/`W…`) or bot (`B…`); undefined when Slack does not know the id. */
  async profile(slackId: string, fresh = false): Promise<Profile | undefined> {
    const cached = fresh ? undefined : this.users.get(slackId);
    if (cached !== undefined) return cached ?? undefined;
    const profile = slackId.startsWith('B') ? await this.bot(slackId) : await this.user(slackId);
    this.users.set(slackId, profile ?? null);
    return profile;
  }

  private async user(id: string): Promise<Profile | undefined> {
    let user: Record<string, unknown>;
    try {
      user = (await this.api.read('users.info', { user: id })).user as Record<string, unknown>;
    } catch (err) {
      if (slackErrorCode((err as Error).cause) === 'user_not_found') return undefined;
      throw err;
    }
    const p = isObject(user.profile) ? user.profile : {};
    return {
      displayName:
        str(p.display_name) ?? str(p.real_name) ?? str(user.real_name) ?? str(user.name) ?? id,
      handle: str(user.name) ?? id,
      avatarUrl: str(p.image_192) ?? str(p.image_72) ?? str(p.image_512) ?? str(p.image_48),
      isBot: user.is_bot === true,
    };
  }

  private async bot(id: string): Promise<Profile | undefined> {
    let bot: Record<string, unknown>;
    try {
      bot = (await this.api.read('bots.info', { bot: id })).bot as Record<string, unknown>;
    } catch (err) {
      if (slackErrorCode((err as Error).cause) === 'bot_not_found') return undefined;
      throw err;
    }
    const icons = isObject(bot.icons) ? bot.icons : {};
    return {
      displayName: str(bot.name) ?? id,
      handle: str(bot.name) ?? id,
      avatarUrl: str(icons.image_72) ?? str(icons.image_48) ?? str(icons.image_36),
      isBot: true,
    };
  }

  async channelName(id: string): Promise<string | undefined> {
    const cached = this.channels.get(id);
    if (cached !== undefined) return cached ?? undefined;
    const name = await this.api
      .read('conversations.info', { channel: id })
      .then((r) => str((r.channel as Record<string, unknown> | undefined)?.name))
      .catch(() => undefined);
    this.channels.set(id, name ?? null);
    return name;
  }

  mentionTarget(slackId: string): MentionTarget {
    return remoteMention(CONNECTOR_ID, this.workspace, toRemoteUser(slackId));
  }

  /** Looks up every id first, so the (synchronous) parsers can name them. */
  async resolver(ids: { users: string[]; channels: string[] }): Promise<MentionResolver> {
    const names = new Map<string, string>();
    const channels = new Map<string, string>();
    for (const id of ids.users.slice(0, 50)) {
      // A lookup that failed for now still mentions the person, by id.
      const p = await this.profile(id).catch(() => ({ displayName: id }));
      if (p) names.set(id, p.displayName);
    }
    for (const id of ids.channels.slice(0, 20)) {
      const name = await this.channelName(id);
      if (name) channels.set(id, name);
    }
    return {
      user: (id) => {
        const name = names.get(id);
        return name === undefined ? undefined : { target: this.mentionTarget(id), name };
      },
      channelName: (id) => channels.get(id),
    };
  }
}
