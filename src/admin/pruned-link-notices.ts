/**
 * Tells people that retention removed their linked platform account
 * (`retention.account_links_days`): a notice from the bridge bot in their admin room (the DM
 * where they give !commands), or in a new direct-message room the bot opens and invites them
 * to. Without it, their messages would silently start to be posted by the bot again.
 */
import type { Logger } from 'pino';
import type { AccountLinkOwner } from '../connector/contract.js';
import type { PrunedLink } from '../core/retention.js';
import type { AdminRoomStore } from '../store/admin-room-store.js';
import { errorMessage } from '../util/errors.js';
import type { AdminMatrix } from './matrix-rooms.js';

export interface PrunedLinkNoticesDeps {
  rooms: Pick<AdminRoomStore, 'roomOf' | 'add'>;
  matrix: Pick<AdminMatrix, 'notice'> & { createDirectRoom(userId: string): Promise<string> };
  connectorName(connectorId: string): string;
  /** `retention.account_links_days`, for the notice's words. */
  days: number;
  log: Logger;
}

export class PrunedLinkNotices {
  constructor(private readonly deps: PrunedLinkNoticesDeps) {}

  /** One notice per removed link; a notice that cannot be sent is logged, never thrown. */
  async tell(links: readonly PrunedLink[]): Promise<void> {
    for (const link of links) {
      const owner = link.owner;
      if (!owner) {
        this.deps.log.warn(
          { connector: link.connector },
          'removed a linked account whose owner the connector cannot name; nobody was told',
        );
        continue;
      }
      await this.tellOwner(link.connector, owner).catch((err: unknown) =>
        this.deps.log.warn(
          { connector: link.connector, user: owner.matrixUserId, err: errorMessage(err) },
          'could not tell a person that their linked account was removed',
        ),
      );
    }
  }

  private async tellOwner(connector: string, owner: AccountLinkOwner): Promise<void> {
    const { rooms, matrix } = this.deps;
    let room = await rooms.roomOf(owner.matrixUserId);
    if (!room) {
      room = await matrix.createDirectRoom(owner.matrixUserId);
      await rooms.add(room, owner.matrixUserId);
    }
    const key = `link-pruned:${connector}:${owner.workspace}:${owner.matrixUserId}:${Date.now()}`;
    await matrix.notice(room, this.text(connector, owner.workspace), key);
  }

  private text(connector: string, workspace: string): string {
    const platform = this.deps.connectorName(connector);
    return (
      `Your linked ${platform} account (workspace ${workspace}) was not used for ` +
      `${this.deps.days} days, so the bridge removed it and its sign-in ` +
      `(retention.account_links_days). Your messages now reach ${platform} through the ` +
      `bridge bot again. To post as yourself, link it again: ` +
      `!login ${connector} ${workspace}`
    );
  }
}
