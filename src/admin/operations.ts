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
import { AdminError, asAdminError, DENIALS, noAccountLinking } from './errors.js';
import { ChannelCatalog, type ChannelView, type ConnectorView } from './channel-catalog.js';
import type { LinkRequest, LinkResult } from './link-types.js';
import { LinkValidator } from './link-validator.js';
import { PrivateChannelGuard } from './private-channel-guard.js';
import { GRANT_DETAIL } from './private-channel-policy.js';
import type { AdminMatrix } from './matrix-rooms.js';
import type { ErasureSubject } from './erase-subject.js';
import { UserErasure, type ErasureDeps, type ErasureReport } from './erasure.js';
import { ACTION_LEVELS, atLeast, type AdminAction, type Permissions } from './permissions.js';
import type { Grant, WhoAmI } from './permission-scope.js';
import { PortalListing } from './portal-listing.js';
import * as retiring from './retire-operation.js';
import { connectorsWithin, failuresWithin } from './scoped-views.js';

export type { LinkRequest, LinkResult } from './link-types.js';
export type { PortalView } from './portal-listing.js';
export type { WhoAmI } from './permission-scope.js';
import type { PortalView } from './portal-listing.js';

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
  /** What erase-user needs; without it erase-user answers UNSUPPORTED. */
  erasure?: Omit<ErasureDeps, 'catalog'>;
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
  private readonly erasure: UserErasure | undefined;
  private readonly portals: PortalListing;
  private readonly retirement: retiring.ChannelRetirement;

  constructor(private readonly deps: OperationsDeps) {
    this.catalog = new ChannelCatalog(deps.connectors, deps.connectorConfig, deps.states);
    const displayName = (id: string): string => this.catalog.displayName(id);
    this.retirement = new retiring.ChannelRetirement({ ...deps, displayName });
    this.erasure = deps.erasure && new UserErasure({ ...deps.erasure, catalog: this.catalog });
    this.portals = new PortalListing({ ...deps, catalog: this.catalog });
    this.privateChannels = new PrivateChannelGuard({
      catalog: this.catalog,
      allowed: deps.privateChannelsAllowed ?? [],
      levelOf: (actor) => this.levelOf(actor),
      log: deps.log,
    });
    this.validator = new LinkValidator(this.catalog, deps.matrix, this.privateChannels);
  }

  /** The actor's level and, for a scoped permission, where it applies. */
  grantOf(actor: Actor): Grant {
    if (actor.userId) return this.deps.permissions.grantOf(actor.userId);
    return { level: actor.viaSecret ? 'admin' : 'none' };
  }

  levelOf(actor: Actor): PermissionLevel {
    return this.grantOf(actor).level;
  }

  whoami(actor: Actor): WhoAmI {
    const { level, scope } = this.grantOf(actor);
    const me = { userId: actor.userId ?? null, level, path: actor.path };
    return scope ? { ...me, scope: [...scope.entries] } : me;
  }

  /** Every portal with a link the actor may see, with those links only. */
  async listPortals(actor: Actor): Promise<PortalView[]> {
    await this.authorize(actor, 'list_portals');
    return this.portals.list(this.grantOf(actor).scope);
  }

  async listConnectors(actor: Actor): Promise<ConnectorView[]> {
    await this.authorize(actor, 'list_connectors');
    const { scope } = this.grantOf(actor);
    const all = this.catalog.connectors();
    return scope ? connectorsWithin(all, scope) : all;
  }

  async connectionStates(actor: Actor): Promise<ConnectionStateEntry[]> {
    await this.authorize(actor, 'connection_states');
    const { scope } = this.grantOf(actor);
    const all = this.deps.states.all();
    return scope ? all.filter((s) => scope.includes(s.connector, s.workspace)) : all;
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

  /** Failures in rooms with a link the actor may see (scoped: up to `limit`, maybe fewer). */
  async recentFailures(actor: Actor, limit: number): Promise<DeliveryFailure[]> {
    await this.authorize(actor, 'recent_failures');
    const { scope } = this.grantOf(actor);
    const failures = await this.deps.queries.recentFailures(Math.min(limit, MAX_LIST));
    return scope ? failuresWithin(failures, scope, this.deps.directory) : failures;
  }

  async auditList(actor: Actor, query: AuditQuery): Promise<AuditEntry[]> {
    await this.authorize(actor, 'audit_list');
    const { scope } = this.grantOf(actor);
    const limit = Math.min(query.limit, MAX_LIST);
    return this.deps.audit.list({ ...query, limit, ...(scope ? { within: scope.asQuery() } : {}) });
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

  /** Retires a linked channel (retirement.ts): read-only, then unlinked after `graceDays`. */
  retire(actor: Actor, key: RemoteChannelKey, graceDays: number): Promise<retiring.RetireResult> {
    return retiring.retireChannel(this, this.retirement, actor, key, graceDays, this.deps.log);
  }

  /** Unlinks the retired channels whose grace period has ended (run on a timer). */
  sweepRetirements(): Promise<void> {
    return retiring.sweepRetirements(this, this.retirement, this.deps.log);
  }

  /**
   * Erases one person (erasure.ts). The audit entry never names them: it carries their
   * pseudonym and the counts, or on failure only the error code.
   */
  async eraseUser(actor: Actor, subject: ErasureSubject): Promise<ErasureReport> {
    const target =
      subject.kind === 'platform'
        ? { connector: subject.connector, workspace: subject.workspace }
        : {};
    await this.authorize(actor, 'erase_user', target);
    const { scope } = this.grantOf(actor);
    if (subject.kind === 'matrix' && scope) {
      // A Matrix user's data spans every connector, most of it outside any one scope.
      await this.record(
        actor,
        'erase_user',
        'denied',
        target,
        `outside the scope ${scope.toString()}`,
      );
      throw new AdminError(
        'PERMISSION_DENIED',
        `${actor.userId ?? 'this caller'} may not erase a Matrix user: that reaches every ` +
          `connector, and their permission covers only ${scope.toString()}`,
      );
    }
    try {
      if (!this.erasure) throw new AdminError('UNSUPPORTED', 'erasure is not set up here');
      const report = await this.erasure.erase(subject);
      const counts = Object.entries(report.counts).map(([k, n]) => `${k} ${n}`);
      await this.record(
        actor,
        'erase_user',
        'ok',
        target,
        `${report.pseudonym}: ${counts.join(', ')}`,
      );
      return report;
    } catch (err) {
      const known = asAdminError(err);
      if (!known) this.deps.log.error({ err: errorMessage(err) }, 'erase-user failed');
      const code = known?.code ?? 'INTERNAL';
      await this.record(actor, 'erase_user', 'failed', target, `${code} (${subject.kind} user)`);
      throw known ?? new AdminError('INTERNAL', `erase-user failed: ${errorMessage(err)}`);
    }
  }

  /** Refuses (and audits) an action above the actor's level. */
  async authorize(
    actor: Actor,
    action: AdminAction,
    target: Partial<RemoteChannelKey> & { roomId?: string } = {},
  ): Promise<void> {
    const { level, scope } = this.grantOf(actor);
    const needed = ACTION_LEVELS[action];
    if (!atLeast(level, needed)) {
      await this.record(actor, action, 'denied', target, `needs ${needed}, has ${level}`);
      throw new AdminError(
        'PERMISSION_DENIED',
        actor.userId
          ? `${actor.userId} may not ${action.replace(/_/g, ' ')} (needs the "${needed}" permission, has "${level}")`
          : `this request needs to be signed in`,
      );
    }
    const { connector, workspace } = target;
    if (scope && connector !== undefined && !scope.includes(connector, workspace)) {
      const where = workspace === undefined ? connector : `${connector}/${workspace}`;
      await this.record(actor, action, 'denied', target, `outside the scope ${scope.toString()}`);
      throw new AdminError(
        'PERMISSION_DENIED',
        `${actor.userId ?? 'this caller'} may not ${action.replace(/_/g, ' ')} in ${where}: ` +
          `their permission covers only ${scope.toString()}`,
      );
    }
  }

  /** Records an attempt no operation ran for (e.g. a request that failed to authenticate). */
  async writeAudit(input: AuditInput): Promise<void> {
    await this.deps.audit
      .record(input)
      .catch((err: unknown) =>
        this.deps.log.error({ err: errorMessage(err) }, 'could not write the audit log'),
      );
  }

  async failed(
    actor: Actor,
    action: 'link' | 'unlink' | 'retire',
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

  async record(
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
