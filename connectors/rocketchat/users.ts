import { BoundedMap, TtlCache } from '../../src/connector/index.js';
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
  private readonly byId = new TtlCache<string, KnownUser>({ ttlMs: TTL_MS, max: MAX_ENTRIES });
  private readonly idByName = new BoundedMap<string, string>(MAX_ENTRIES);

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
    this.byId.set(user.id, user);
    this.idByName.set(user.username.toLowerCase(), user.id);
    return user;
  }

  private fresh(id: string | undefined): KnownUser | undefined {
    return id === undefined ? undefined : this.byId.get(id);
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
