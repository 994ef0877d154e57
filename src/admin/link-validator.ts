import type { RemoteChannelKey } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import type { Actor } from './actor.js';
import type { ChannelCatalog } from './channel-catalog.js';
import { AdminError } from './errors.js';
import type { AdminMatrix } from './matrix-rooms.js';
import type { LinkRequest, LinkResult } from './link-types.js';
import type { PrivateChannelGuard } from './private-channel-guard.js';
import { bridgePower } from './room-power.js';

/**
 * Checks everything a link needs before it is stored, in order of cost: the connector and
 * workspace, the channel (the bot can read it, and the actor could too if it is private), the
 * room (it exists and the bot can join), the acting user's power in the room, and that the room
 * is not encrypted. If storing fails after the bot joined a room it was not in, the bot leaves
 * again: no half-made link stays behind.
 */
export class LinkValidator {
  constructor(
    private readonly catalog: ChannelCatalog,
    private readonly matrix: AdminMatrix,
    private readonly privateChannels: PrivateChannelGuard,
  ) {}

  async linkValidated(
    actor: Actor,
    req: LinkRequest,
    linkedRoomId: string | undefined,
    store: (roomId: string) => Promise<boolean>,
  ): Promise<LinkResult> {
    const key: RemoteChannelKey = {
      connector: req.connector,
      workspace: req.workspace,
      channel: req.channel,
    };
    const info = await this.catalog.chatInfo(key);
    const grant = await this.privateChannels.requireLinkable(actor, key, info.visibility);
    const roomId = await this.matrix.resolveRoom(req.room);
    if (linkedRoomId !== undefined && linkedRoomId !== roomId) {
      throw new AdminError(
        'CHANNEL_ALREADY_LINKED',
        `channel ${key.connector}/${key.workspace}/${key.channel} is already linked to room ` +
          `${linkedRoomId}; unlink it there first`,
        { field: 'channel' },
      );
    }
    const wasJoined = await this.matrix.isBotJoined(roomId);
    if (!wasJoined) await this.matrix.joinBot(roomId);
    try {
      await this.requireRoomPower(actor, roomId);
      await this.refuseEncrypted(roomId);
      const existed = await store(roomId);
      return { ...key, roomId, channelName: info.name, existed, grant };
    } catch (err) {
      if (!wasJoined) await this.matrix.leaveBot(roomId).catch(() => undefined);
      throw err;
    }
  }

  /** The bridge cannot read end-to-end encrypted rooms: linking one would be a silent hole. */
  private async refuseEncrypted(roomId: string): Promise<void> {
    if (!(await this.matrix.isEncrypted(roomId))) return;
    throw new AdminError(
      'ROOM_ENCRYPTED',
      `${roomId} uses end-to-end encryption, which the bridge cannot read, so its messages ` +
        `could not cross; create a room without encryption and link that one instead`,
      { field: 'room' },
    );
  }

  /** A Matrix user acting must be able to change the room's state (m.bridge / state_default). */
  async requireRoomPower(actor: Actor, roomId: string): Promise<void> {
    if (!actor.userId) return; // trusted automation holding the provisioning secret
    let verdict;
    try {
      const [levels, create] = await Promise.all([
        this.matrix.powerLevels(roomId),
        this.matrix.createEvent(roomId),
      ]);
      verdict = bridgePower(actor.userId, levels, create);
    } catch (err) {
      throw new AdminError(
        'ROOM_UNREACHABLE',
        `cannot read the power levels of ${roomId}: ${errorMessage(err)}`,
        { field: 'room' },
        { cause: err },
      );
    }
    if (!verdict.allowed) {
      throw new AdminError(
        'ROOM_POWER_TOO_LOW',
        `${actor.userId} has power level ${verdict.userLevel} in ${roomId}, but changing its ` +
          `bridges needs ${verdict.required} (the level to change room state)`,
        { field: 'room' },
      );
    }
  }
}
