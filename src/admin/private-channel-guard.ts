import type { Logger } from 'pino';
import type { PermissionLevel } from '../config/index.js';
import type { ChannelVisibility } from '../connector/contract.js';
import type { RemoteChannelKey } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import type { Actor } from './actor.js';
import { withTimeout, type ChannelCatalog, type ChannelView } from './channel-catalog.js';
import { AdminError } from './errors.js';
import {
  channelAccess,
  refusalMessage,
  type ChannelGrant,
  type Membership,
} from './private-channel-policy.js';

export interface PrivateChannelGuardDeps {
  catalog: ChannelCatalog;
  /** `admin.private_channels_allowed`: channels anyone who may link may link. */
  allowed: readonly RemoteChannelKey[];
  levelOf(actor: Actor): PermissionLevel;
  log: Logger;
}

/** Membership questions asked at once while filtering a channel listing. */
const MEMBERSHIP_CONCURRENCY = 4;

const keyOf = (k: RemoteChannelKey): string =>
  JSON.stringify([k.connector, k.workspace, k.channel]);

/**
 * Applies the private-channel rule (private-channel-policy.ts) for the administration
 * operations: refuses a link the actor may not make, and leaves out of channel pickers the
 * private and direct channels the actor may not link.
 */
export class PrivateChannelGuard {
  private readonly allowed: ReadonlySet<string>;

  constructor(private readonly deps: PrivateChannelGuardDeps) {
    this.allowed = new Set(deps.allowed.map(keyOf));
  }

  /** Resolves to why the actor may link the channel, or throws PRIVATE_CHANNEL_DENIED. */
  async requireLinkable(
    actor: Actor,
    key: RemoteChannelKey,
    visibility: ChannelVisibility | undefined,
  ): Promise<ChannelGrant> {
    const answer = await this.access(actor, key, visibility);
    if (answer.granted) return answer.grant;
    const platform = this.deps.catalog.displayName(key.connector);
    throw new AdminError(
      'PRIVATE_CHANNEL_DENIED',
      refusalMessage(
        {
          channel: `${key.connector}/${key.workspace}/${key.channel}`,
          platform,
          connector: key.connector,
          workspace: key.workspace,
          visibility,
        },
        answer.membership,
      ),
      { field: 'channel' },
    );
  }

  /** The channels of a listing the actor may link; the others are left out. */
  async visibleTo(
    actor: Actor,
    connector: string,
    channels: ChannelView[],
  ): Promise<ChannelView[]> {
    const keep = new Array<boolean>(channels.length).fill(false);
    let next = 0;
    const work = async (): Promise<void> => {
      while (next < channels.length) {
        const i = next++;
        const c = channels[i] as ChannelView;
        const key = { connector, workspace: c.workspace, channel: c.channel };
        keep[i] = (await this.access(actor, key, c.visibility)).granted;
      }
    };
    await Promise.all(Array.from({ length: MEMBERSHIP_CONCURRENCY }, work));
    return channels.filter((_, i) => keep[i]);
  }

  private access(actor: Actor, key: RemoteChannelKey, visibility: ChannelVisibility | undefined) {
    return channelAccess({
      visibility,
      level: this.deps.levelOf(actor),
      configAllowed: this.allowed.has(keyOf(key)),
      membership: () => this.membership(actor, key),
    });
  }

  private async membership(actor: Actor, key: RemoteChannelKey): Promise<Membership> {
    if (!actor.userId) return 'no_account';
    const { connector, displayName } = this.deps.catalog.requireConnector(key.connector);
    if (!connector.isChannelMember) return 'unsupported';
    try {
      const ref = { workspace: key.workspace, channel: key.channel };
      const member = await withTimeout(
        connector.isChannelMember(ref, actor.userId),
        `${displayName} (${key.workspace})`,
      );
      if (member === undefined) return 'no_account';
      return member ? 'member' : 'not_member';
    } catch (err) {
      this.deps.log.warn(
        { ...key, userId: actor.userId, err: errorMessage(err) },
        'could not check channel membership',
      );
      return 'error';
    }
  }
}
