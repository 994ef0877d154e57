import type { Logger } from 'pino';
import type { PermissionLevel } from '../config/index.js';
import type { ConnectionStateEntry, ConnectionStates } from '../core/connection-states.js';
import type { ConnectorRegistry } from '../core/delivery/deps.js';
import type { PortalDirectory } from '../core/portal-directory.js';
import type { AdminQueries, DeliveryFailure } from '../store/admin-queries.js';
import type {
  AuditEntry,
  AuditInput,
  AuditOutcome,
  AuditQuery,
  AuditStore,
} from '../store/audit-store.js';
import type { EncryptionStore } from '../store/encryption-store.js';
import type { LinkAdminStore } from '../store/link-admin-store.js';
import type { RemoteChannelKey } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import { actorName, type Actor } from './actor.js';
import { AdminError, asAdminError } from './errors.js';
import { ChannelCatalog, type ChannelView, type ConnectorView } from './channel-catalog.js';
import type { LinkRequest, LinkResult } from './link-types.js';
import { LinkValidator } from './link-validator.js';
import { channelOfKey, keyOfChannel, NameCache } from './display-names.js';
import { PrivateChannelGuard } from './private-channel-guard.js';
import type { ChannelGrant } from './private-channel-policy.js';
import type { AdminMatrix } from './matrix-rooms.js';
import { ACTION_LEVELS, atLeast, type AdminAction, type Permissions } from './permissions.js';

export type { LinkRequest, LinkResult } from './link-types.js';

export interface PortalView {
  roomId: string;
  name: string | null;
  /** The Matrix room's own name as the bridge bot reads it (cached), null when unknown. */
  roomName: string | null;
  links: Array<
    RemoteChannelKey & {
      source: string;
      createdBy: string | null;
      createdAt: number;
      /** The channel's name on its platform (cached), null when unknown. */
      channelName: string | null;
    }
  >;
  /** When the room turned end-to-end encrypted (messages from Matrix no longer cross). */
  encryptedAt: number | null;
}

export interface UnlinkResult extends RemoteChannelKey {
  roomId: string;
  /** It was the room's last link, so the room is no longer a portal. */
  portalRemoved: boolean;
}

export interface OperationsDeps {
  directory: PortalDirectory;
  links: LinkAdminStore;
  /** Which portals turned encrypted. */
  encryption: Pick<EncryptionStore, 'all'>;
  audit: AuditStore;
  queries: AdminQueries;
  connectors: ConnectorRegistry;
  /** Connector id → its config block (for the workspace names it defines). */
  connectorConfig: Record<string, Record<string, unknown>>;
  states: ConnectionStates;
  matrix: AdminMatrix;
  permissions: Permissions;
  /** `admin.private_channels_allowed`: private channels any linker may link. */
  privateChannelsAllowed?: readonly RemoteChannelKey[];
  log: Logger;
}

const MAX_LIST = 500;

/**
 * The administration operations. Every way in (provisioning API, console, admin-room
 * commands, CLI) calls these, so permissions, validation and the audit log are the same
 * whichever path a request took.
 */
export class AdminOperations {
  readonly catalog: ChannelCatalog;
  private readonly validator: LinkValidator;
  private readonly privateChannels: PrivateChannelGuard;
  private readonly roomNames: NameCache;
  private readonly channelNames: NameCache;

  constructor(private readonly deps: OperationsDeps) {
    this.catalog = new ChannelCatalog(deps.connectors, deps.connectorConfig, deps.states);
    const nameFailed = (what: string) => (key: string, err: unknown) =>
      deps.log.debug({ key, err: errorMessage(err) }, `${what} name unknown, showing its id`);
    this.roomNames = new NameCache(
      (roomId) => deps.matrix.roomName(roomId),
      Date.now,
      undefined,
      nameFailed('room'),
    );
    this.channelNames = new NameCache(
      async (k) => (await this.catalog.chatInfo(channelOfKey(k))).name,
      Date.now,
      undefined,
      nameFailed('channel'),
    );
    this.privateChannels = new PrivateChannelGuard({
      catalog: this.catalog,
      allowed: deps.privateChannelsAllowed ?? [],
      levelOf: (actor) => this.levelOf(actor),
      log: deps.log,
    });
    this.validator = new LinkValidator(this.catalog, deps.matrix, this.privateChannels);
  }

  levelOf(actor: Actor): PermissionLevel {
    if (actor.userId) return this.deps.permissions.levelOf(actor.userId);
    return actor.viaSecret ? 'admin' : 'none';
  }

  whoami(actor: Actor): { userId: string | null; level: PermissionLevel; path: string } {
    return { userId: actor.userId ?? null, level: this.levelOf(actor), path: actor.path };
  }

  async listPortals(actor: Actor): Promise<PortalView[]> {
    await this.authorize(actor, 'list_portals');
    const { directory } = this.deps;
    const encrypted = await this.deps.encryption.all();
    const portals = directory.portals();
    const links = new Map(portals.map((p) => [p.id, directory.linksOf(p.id)]));
    const [roomNames, channelNames] = await Promise.all([
      this.roomNames.names(portals.map((p) => p.roomId)),
      this.channelNames.names([...links.values()].flat().map(keyOfChannel)),
    ]);
    return portals.map((p) => ({
      roomId: p.roomId,
      name: p.name,
      roomName: roomNames.get(p.roomId) ?? null,
      links: (links.get(p.id) ?? []).map((l) => ({
        connector: l.connector,
        workspace: l.workspace,
        channel: l.channel,
        source: l.source,
        createdBy: l.createdBy,
        createdAt: l.createdAt,
        channelName: channelNames.get(keyOfChannel(l)) ?? null,
      })),
      encryptedAt: encrypted.get(p.id)?.at ?? null,
    }));
  }

  async listConnectors(actor: Actor): Promise<ConnectorView[]> {
    await this.authorize(actor, 'list_connectors');
    return this.catalog.connectors();
  }

  async connectionStates(actor: Actor): Promise<ConnectionStateEntry[]> {
    await this.authorize(actor, 'connection_states');
    return this.deps.states.all();
  }

  async listChannels(actor: Actor, connector: string, workspace: string): Promise<ChannelView[]> {
    await this.authorize(actor, 'list_channels', { connector, workspace });
    const listed = await this.catalog.channels(connector, workspace);
    const channels = await this.privateChannels.visibleTo(actor, connector, listed);
    return channels.slice(0, MAX_LIST).map((c) => {
      const link = this.deps.directory.linkFor({ connector, workspace, channel: c.channel });
      const roomId = link ? this.deps.directory.portal(link.portalId)?.roomId : undefined;
      return roomId ? { ...c, linkedRoomId: roomId } : c;
    });
  }

  /** A sign-in URL for linking the actor's own account on a platform that supports it. */
  async beginAccountLink(actor: Actor, connector: string, workspace: string): Promise<string> {
    const conn = await this.accountLinking(actor, connector, workspace);
    if (!conn.connector.beginAccountLink) throw noAccountLinking(connector);
    return conn.connector.beginAccountLink(workspace, actor.userId as string);
  }

  /** Forgets the actor's linked account; false when there was none. */
  async unlinkAccount(actor: Actor, connector: string, workspace: string): Promise<boolean> {
    const conn = await this.accountLinking(actor, connector, workspace);
    if (!conn.connector.unlinkAccount) throw noAccountLinking(connector);
    return conn.connector.unlinkAccount(workspace, actor.userId as string);
  }

  private async accountLinking(actor: Actor, connector: string, workspace: string) {
    await this.authorize(actor, 'account_link', { connector, workspace });
    if (!actor.userId) {
      throw new AdminError('INVALID_REQUEST', 'only a signed-in Matrix user can link an account');
    }
    return this.catalog.requireWorkspace(connector, workspace);
  }

  async recentFailures(actor: Actor, limit: number): Promise<DeliveryFailure[]> {
    await this.authorize(actor, 'recent_failures');
    return this.deps.queries.recentFailures(Math.min(limit, MAX_LIST));
  }

  async auditList(actor: Actor, query: AuditQuery): Promise<AuditEntry[]> {
    await this.authorize(actor, 'audit_list');
    return this.deps.audit.list({ ...query, limit: Math.min(query.limit, MAX_LIST) });
  }

  async link(actor: Actor, req: LinkRequest): Promise<LinkResult> {
    const key: RemoteChannelKey = {
      connector: req.connector,
      workspace: req.workspace,
      channel: req.channel,
    };
    const target = { ...key, roomId: req.room };
    await this.authorize(actor, 'link', target);
    const existing = this.deps.directory.linkFor(key);
    const linkedRoomId = existing
      ? this.deps.directory.portal(existing.portalId)?.roomId
      : undefined;
    try {
      const result = await this.validator.linkValidated(
        actor,
        req,
        linkedRoomId,
        async (roomId) => {
          const change = await this.deps.links.link(roomId, key, actor.path, actorName(actor));
          await this.deps.directory.load();
          return change.existed;
        },
      );
      const detail =
        result.grant === 'public' ? undefined : `private channel: ${GRANT_DETAIL[result.grant]}`;
      await this.record(actor, 'link', 'ok', { ...target, roomId: result.roomId }, detail);
      this.deps.log.info(
        { ...key, roomId: result.roomId, actor: actorName(actor), path: actor.path },
        result.existed ? 'link already present' : 'room linked',
      );
      if (!result.existed) {
        await this.notice(
          result.roomId,
          `This room is now bridged with ${this.catalog.displayName(key.connector)} channel ` +
            `"${result.channelName}" (${key.workspace}), linked by ${actorName(actor)}.`,
          `link:${key.connector}/${key.workspace}/${key.channel}:${Date.now()}`,
        );
      }
      return result;
    } catch (err) {
      throw await this.failed(actor, 'link', target, err);
    }
  }

  async unlink(actor: Actor, key: RemoteChannelKey): Promise<UnlinkResult> {
    await this.authorize(actor, 'unlink', key);
    const { directory } = this.deps;
    const link = directory.linkFor(key);
    const roomId = link ? directory.portal(link.portalId)?.roomId : undefined;
    const target = { ...key, roomId };
    try {
      if (!link || !roomId) {
        throw new AdminError(
          'LINK_NOT_FOUND',
          `channel ${key.connector}/${key.workspace}/${key.channel} is not linked to any room`,
        );
      }
      if (link.source === 'config') {
        throw new AdminError(
          'LINK_DECLARED',
          `channel ${key.connector}/${key.workspace}/${key.channel} is linked by the config file ` +
            `(portals:); remove it there, then reload (SIGHUP) or restart the bridge`,
        );
      }
      await this.validator.requireRoomPower(actor, roomId);
      const change = await this.deps.links.unlink(key);
      await directory.load();
      if (!change) throw new AdminError('LINK_NOT_FOUND', 'the link was removed meanwhile');
      await this.record(actor, 'unlink', 'ok', target, undefined);
      this.deps.log.info({ ...key, roomId, actor: actorName(actor) }, 'room unlinked');
      await this.notice(
        roomId,
        `This room is no longer bridged with ${this.catalog.displayName(key.connector)} ` +
          `channel ${key.channel} (${key.workspace}); unlinked by ${actorName(actor)}.`,
        `unlink:${key.connector}/${key.workspace}/${key.channel}:${Date.now()}`,
      );
      return { ...key, roomId, portalRemoved: change.portalRemoved };
    } catch (err) {
      throw await this.failed(actor, 'unlink', target, err);
    }
  }

  /** Refuses (and audits) an action above the actor's level. */
  async authorize(
    actor: Actor,
    action: AdminAction,
    target: Partial<RemoteChannelKey> & { roomId?: string } = {},
  ): Promise<void> {
    const level = this.levelOf(actor);
    if (atLeast(level, ACTION_LEVELS[action])) return;
    const needed = ACTION_LEVELS[action];
    await this.record(actor, action, 'denied', target, `needs ${needed}, has ${level}`);
    throw new AdminError(
      'PERMISSION_DENIED',
      actor.userId
        ? `${actor.userId} may not ${action.replace(/_/g, ' ')} (needs the "${needed}" permission, has "${level}")`
        : `this request needs to be signed in`,
    );
  }

  /** Records an attempt no operation ran for (e.g. a request that failed to authenticate). */
  async writeAudit(input: AuditInput): Promise<void> {
    await this.deps.audit
      .record(input)
      .catch((err: unknown) =>
        this.deps.log.error({ err: errorMessage(err) }, 'could not write the audit log'),
      );
  }

  private async failed(
    actor: Actor,
    action: 'link' | 'unlink',
    target: Partial<RemoteChannelKey> & { roomId?: string },
    err: unknown,
  ): Promise<AdminError> {
    const known = asAdminError(err);
    const error =
      known ??
      new AdminError('INTERNAL', `${action} failed: ${errorMessage(err)}`, {}, { cause: err });
    if (!known) this.deps.log.error({ ...target, err: errorMessage(err) }, `${action} failed`);
    const outcome: AuditOutcome = DENIALS.has(error.code) ? 'denied' : 'failed';
    await this.record(actor, action, outcome, target, error.message);
    return error;
  }

  private async record(
    actor: Actor,
    action: AdminAction,
    outcome: AuditOutcome,
    target: Partial<RemoteChannelKey> & { roomId?: string },
    detail: string | undefined,
  ): Promise<void> {
    await this.writeAudit({
      actor: actorName(actor),
      path: actor.path,
      action,
      outcome,
      roomId: target.roomId,
      connector: target.connector,
      workspace: target.workspace,
      channel: target.channel,
      detail,
      client: actor.client,
    });
  }

  private async notice(roomId: string, text: string, key: string): Promise<void> {
    await this.deps.matrix
      .notice(roomId, text, key)
      .catch((err: unknown) =>
        this.deps.log.warn({ roomId, err: errorMessage(err) }, 'could not post the link notice'),
      );
  }
}

/** Refusals of who is asking (audited `denied`), not failures of the request. */
const DENIALS: ReadonlySet<string> = new Set(['ROOM_POWER_TOO_LOW', 'PRIVATE_CHANNEL_DENIED']);

const GRANT_DETAIL: Record<Exclude<ChannelGrant, 'public'>, string> = {
  admin: 'linked by a bridge admin',
  config: 'allowed by admin.private_channels_allowed',
  member: 'the actor is a member through their linked account',
};

function noAccountLinking(connector: string): AdminError {
  return new AdminError(
    'UNSUPPORTED',
    `connector "${connector}" cannot act as its users: there is no account to link`,
  );
}
