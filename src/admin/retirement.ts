/**
 * Retiring a channel at the end of a platform contract: the channel is told where the
 * conversation moved (a message with the Matrix room's link), nothing from Matrix or other
 * channels goes to it any more, its own messages still reach Matrix for a grace period, and
 * then it is unlinked. The sweep that unlinks is idempotent and survives restarts: the due
 * time is stored with the link.
 */
import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../core/delivery/deps.js';
import type { PortalDirectory } from '../core/portal-directory.js';
import { matrixToRoomLink } from '../format/index.js';
import { plainText } from '../model/message.js';
import type { LinkAdminStore } from '../store/link-admin-store.js';
import type { RemoteChannelKey } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import { AdminError } from './errors.js';
import type { AdminMatrix } from './matrix-rooms.js';
import { BRIDGE_SENDER_NAME } from '../core/delivery/notices.js';

const DAY_MS = 86_400_000;
export const DEFAULT_GRACE_DAYS = 30;
export const MAX_GRACE_DAYS = 365;

export interface RetireResult extends RemoteChannelKey {
  roomId: string;
  /** When the channel is unlinked (epoch ms). */
  retireUntil: number;
  /** It was already retired: nothing changed, nothing was posted again. */
  already: boolean;
}

export interface RetirementDeps {
  directory: PortalDirectory;
  links: LinkAdminStore;
  connectors: ConnectorRegistry;
  matrix: AdminMatrix;
  displayName: (connector: string) => string;
  log: Logger;
  now?: () => number;
}

const keyText = (k: RemoteChannelKey): string => `${k.connector}/${k.workspace}/${k.channel}`;
const day = (at: number): string => new Date(at).toISOString().slice(0, 10);

export function checkGraceDays(graceDays: number): void {
  if (!Number.isInteger(graceDays) || graceDays < 0 || graceDays > MAX_GRACE_DAYS) {
    throw new AdminError(
      'INVALID_REQUEST',
      `the grace period must be a whole number of days from 0 to ${MAX_GRACE_DAYS}, not ${graceDays}`,
      { field: 'grace_days' },
    );
  }
}

export class ChannelRetirement {
  constructor(private readonly deps: RetirementDeps) {}

  private now(): number {
    return (this.deps.now ?? Date.now)();
  }

  /** The room of a linked channel that may be retired (not one the config file declares). */
  roomOf(key: RemoteChannelKey): { roomId: string; retireUntil: number | null } {
    const { directory } = this.deps;
    const link = directory.linkFor(key);
    const roomId = link ? directory.portal(link.portalId)?.roomId : undefined;
    if (!link || !roomId) {
      throw new AdminError('LINK_NOT_FOUND', `channel ${keyText(key)} is not linked to any room`);
    }
    if (link.source === 'config') {
      throw new AdminError(
        'LINK_DECLARED',
        `channel ${keyText(key)} is linked by the config file (portals:); remove it there ` +
          `instead, then reload (SIGHUP) or restart the bridge`,
      );
    }
    return { roomId, retireUntil: link.retireUntil };
  }

  /**
   * Posts the move notice in the channel first: when the platform refuses it, nothing has
   * changed and the operator can try again.
   */
  async retire(key: RemoteChannelKey, graceDays: number, by: string): Promise<RetireResult> {
    checkGraceDays(graceDays);
    const { roomId, retireUntil } = this.roomOf(key);
    if (retireUntil !== null) return { ...key, roomId, retireUntil, already: true };
    const until = this.now() + graceDays * DAY_MS;
    await this.tellChannel(key, roomId, until);
    if (!(await this.deps.links.retire(key, until, by))) {
      throw new AdminError('LINK_NOT_FOUND', 'the link was removed meanwhile');
    }
    await this.deps.directory.load();
    const platform = this.deps.displayName(key.connector);
    await this.roomNotice(
      roomId,
      `The ${platform} channel ${key.channel} (${key.workspace}) was retired by ${by}: messages ` +
        `from this room no longer go there. Its own messages still arrive here until ` +
        `${day(until)}, when it is unlinked.`,
      `retire:${keyText(key)}:${until}`,
    );
    return { ...key, roomId, retireUntil: until, already: false };
  }

  private async tellChannel(key: RemoteChannelKey, roomId: string, until: number): Promise<void> {
    const { connectors } = this.deps;
    if (!connectors.has(key.connector)) {
      throw new AdminError('UNSUPPORTED', `connector "${key.connector}" is not running here`);
    }
    const text =
      `This channel has moved to Matrix: ${matrixToRoomLink(roomId)} . Messages from Matrix ` +
      `no longer appear here. Until ${day(until)}, what is written here still reaches the ` +
      `Matrix room; after that, nothing does.`;
    try {
      await connectors.get(key.connector).connector.sendMessage(key, {
        sender: { userId: this.deps.matrix.botUserId, displayName: BRIDGE_SENDER_NAME },
        content: { text: plainText(text), attachments: [], notice: true },
        idempotencyKey: `retire:${keyText(key)}:${until}`,
      });
    } catch (err) {
      throw new AdminError(
        'REMOTE_UNAVAILABLE',
        `could not post the move notice in ${keyText(key)} (${errorMessage(err)}); nothing was ` +
          `changed, try again when the platform answers`,
        {},
        { cause: err },
      );
    }
  }

  /** Unlinks every retired channel whose grace period has ended; returns those unlinked. */
  async sweep(): Promise<RemoteChannelKey[]> {
    const done: RemoteChannelKey[] = [];
    for (const key of await this.deps.links.retirementsDue(this.now())) {
      const change = await this.deps.links.unlink(key);
      if (!change) continue;
      done.push(key);
      this.deps.log.info({ ...key, roomId: change.roomId }, 'retired channel unlinked');
      await this.roomNotice(
        change.roomId,
        `The retired ${this.deps.displayName(key.connector)} channel ${key.channel} ` +
          `(${key.workspace}) is no longer bridged: its grace period has ended.`,
        `retired:${keyText(key)}`,
      );
    }
    if (done.length > 0) await this.deps.directory.load();
    return done;
  }

  private async roomNotice(roomId: string, text: string, key: string): Promise<void> {
    await this.deps.matrix.notice(roomId, text, key).catch((err: unknown) => {
      this.deps.log.warn(
        { roomId, err: errorMessage(err) },
        'could not post the retirement notice',
      );
    });
  }
}
