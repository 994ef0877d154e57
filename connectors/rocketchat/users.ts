import type { RocketChatApi } from './api.js';
import type { WireUserInfo } from './types.js';

const TTL_MS = 10 * 60 * 1000;
const MAX_ENTRIES = 5000;

export interface KnownUser {
  id: string;
  username: string;
  name: string;
  avatarETag?: string;
}

/** users.info with a bounded, short-lived cache by id and by username. */
export class UserDirectory {
  private readonly byId = new Map<string, { user: KnownUser; at: number }>();
  private readonly idByName = new Map<string, string>();

  constructor(private readonly api: RocketChatApi) {}

  private remember(info: WireUserInfo | undefined): KnownUser | undefined {
    if (!info || typeof info._id !== 'string' || typeof info.username !== 'string')
      return undefined;
    const user: KnownUser = {
      id: info._id,
      username: info.username,
      name:
        typeof info.name === 'string' && info.name.trim() !== '' ? info.name.trim() : info.username,
      ...(typeof info.avatarETag === 'string' && { avatarETag: info.avatarETag }),
    };
    if (this.byId.size >= MAX_ENTRIES) {
      this.byId.clear();
      this.idByName.clear();
    }
    this.byId.set(user.id, { user, at: Date.now() });
    this.idByName.set(user.username.toLowerCase(), user.id);
    return user;
  }

  private fresh(id: string | undefined): KnownUser | undefined {
    const hit = id === undefined ? undefined : this.byId.get(id);
    return hit && Date.now() - hit.at < TTL_MS ? hit.user : undefined;
  }

  /** Throws the API error (the caller decides whether a missing profile matters). */
  async byUserId(id: string): Promise<KnownUser | undefined> {
    const cached = this.fresh(id);
    if (cached) return cached;
    const res = await this.api.get<{ user?: WireUserInfo }>('users.info', { userId: id });
    return this.remember(res.user);
  }

  /** undefined when there is no such user (or it cannot be looked up now). */
  async byUsername(username: string): Promise<KnownUser | undefined> {
    const cached = this.fresh(this.idByName.get(username.toLowerCase()));
    if (cached) return cached;
    try {
      const res = await this.api.get<{ user?: WireUserInfo }>('users.info', { username });
      return this.remember(res.user);
    } catch {
      return undefined;
    }
  }
}
