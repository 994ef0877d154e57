import type { Logger } from 'pino';
import type { MatrixGateway } from '../matrix/matrix-gateway.js';
import type { GhostRecord, GhostStore } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import type { ConnectorRegistry } from './connector-registry.js';
import type { DisplayNames } from './display-names.js';
import type { GhostIdCodec } from './ids.js';

const PROFILE_TTL_MS = 24 * 60 * 60 * 1000;
const MEMORY_TTL_MS = 60 * 60 * 1000;

/**
 * Ghosts are registered lazily, the first time a remote user acts, and their name and
 * avatar are copied from the platform (again once the copy is a day old). The name goes
 * through the ghost display-name template (`Alice (Chat X)`), so a ghost made before a
 * template change is renamed at its next refresh.
 */
export class GhostManager {
  private readonly fresh = new Map<string, number>();

  constructor(
    private readonly store: GhostStore,
    private readonly gateway: MatrixGateway,
    private readonly codec: GhostIdCodec,
    private readonly connectors: ConnectorRegistry,
    private readonly log: Logger,
    private readonly names: DisplayNames,
  ) {}

  userIdFor(connector: string, workspace: string, remoteUserId: string): string {
    return this.codec.encode({ connector, workspace, userId: remoteUserId });
  }

  async record(userId: string): Promise<GhostRecord | undefined> {
    return this.store.get(userId);
  }

  /** Ensures the ghost exists with a current profile; returns its Matrix user id. */
  async ensure(
    connector: string,
    workspace: string,
    remoteUserId: string,
    nameHint?: string,
  ): Promise<string> {
    const userId = this.userIdFor(connector, workspace, remoteUserId);
    const seen = this.fresh.get(userId);
    if (seen !== undefined && Date.now() - seen < MEMORY_TTL_MS) return userId;

    const intent = this.gateway.intent(userId);
    await intent.ensureRegistered();
    const record = await this.store.get(userId);
    if (
      !record ||
      record.profileSyncedAt === null ||
      Date.now() - record.profileSyncedAt > PROFILE_TTL_MS
    ) {
      await this.syncProfile(userId, connector, workspace, remoteUserId, record, nameHint);
    }
    this.fresh.set(userId, Date.now());
    return userId;
  }

  private async syncProfile(
    userId: string,
    connector: string,
    workspace: string,
    remoteUserId: string,
    record: GhostRecord | undefined,
    nameHint: string | undefined,
  ): Promise<void> {
    const log = this.log.child({ connector, workspace, ghost: userId });
    const next: GhostRecord = record ?? {
      userId,
      connector,
      workspace,
      remoteUserId,
      displayName: null,
      avatarId: null,
      avatarMxc: null,
      profileSyncedAt: null,
    };
    const intent = this.gateway.intent(userId);
    const { connector: conn } = this.connectors.get(connector);
    try {
      const info = await conn.getUserInfo(workspace, remoteUserId);
      const name = this.names.ghost(connector, info.displayName || nameHint, remoteUserId);
      if (name !== next.displayName) {
        await intent.setDisplayName(name);
        next.displayName = name;
      }
      if (info.avatarId !== (next.avatarId ?? undefined)) {
        if (info.avatarId) {
          const avatar = await conn.downloadAvatar(workspace, remoteUserId, info.avatarId);
          next.avatarMxc = await this.gateway.upload(avatar.data, avatar.mimetype, 'avatar');
          await intent.setAvatarUrl(next.avatarMxc);
        } else if (next.avatarMxc) {
          await intent.setAvatarUrl('');
          next.avatarMxc = null;
        }
        next.avatarId = info.avatarId ?? null;
      }
      next.profileSyncedAt = Date.now();
    } catch (err) {
      // A profile is nice to have; the message matters more. Try again next time.
      log.warn({ err: errorMessage(err) }, 'could not sync ghost profile');
      if (!next.displayName && nameHint) {
        const name = this.names.ghost(connector, nameHint, remoteUserId);
        await intent.setDisplayName(name).catch(() => undefined);
        next.displayName = name;
      }
    }
    await this.store.upsert(next);
  }
}
