import type { Logger } from 'pino';
import type { RoomEncryption } from './declared-encryption.js';
import { applyDeclaredPortals, CONFIG_ACTOR, type DeclaredSummary } from './portals-setup.js';
import { permissionChanges } from './permission-changes.js';
import {
  adminSettings,
  type AdminConfig,
  type BridgeConfig,
  type PermissionsConfig,
} from '../config/index.js';
import type { ConnectionStates } from '../core/connection-states.js';
import type { ConnectorRegistry } from '../core/delivery/deps.js';
import type { GhostIdCodec } from '../core/ids.js';
import type { PortalDirectory } from '../core/portal-directory.js';
import { setCoreTelemetry, telemetry } from '../core/telemetry.js';
import { setTrafficCounter, traffic, TrafficCounter } from '../core/traffic.js';
import type { MatrixEvent } from '../matrix/durable-appservice.js';
import type { MatrixGateway } from '../matrix/matrix-gateway.js';
import { AdminQueries } from '../store/admin-queries.js';
import { AdminRoomStore } from '../store/admin-room-store.js';
import { AuditStore } from '../store/audit-store.js';
import type { Stores } from '../store/index.js';
import { ErasureStore } from '../store/erasure-store.js';
import { LinkAdminStore } from '../store/link-admin-store.js';
import { errorMessage } from '../util/errors.js';
import { AdminRooms } from './admin-rooms.js';
import { apiRoutes } from './http/api-routes.js';
import { Authenticator } from './http/auth.js';
import { consoleRoute } from './http/console-route.js';
import { metricsRoute, readyRoute } from './http/extras.js';
import { OpenIdVerifier } from './http/openid.js';
import { RateLimiter } from './http/rate-limit.js';
import { SessionStore } from './http/session-store.js';
import { AdminHttp, healthRoute, type ExtraRoute } from './http/server.js';
import { encryptedPortalHealth } from './encrypted-portals.js';
import { GatewayAdminMatrix } from './matrix-rooms.js';
import { BridgeMetrics } from './metrics.js';
import { AdminOperations } from './operations.js';
import { Permissions, serverOf } from './permissions.js';
import { Pseudonyms } from './pseudonyms.js';
import type { RefusalLog } from '../util/refusal-log.js';

export interface AdminModuleDeps {
  config: BridgeConfig;
  stores: Stores;
  directory: PortalDirectory;
  gateway: MatrixGateway;
  connectors: ConnectorRegistry;
  states: ConnectionStates;
  codec: GhostIdCodec;
  log: Logger;
  /** Where refused requests are summarised; one of its own when absent. */
  refusals?: RefusalLog;
}

/** Fills `servers` with those named in the permissions, whose users may sign in with OpenID. */
function permittedServers(
  permissions: PermissionsConfig,
  servers = new Set<string>(),
): Set<string> {
  servers.clear();
  for (const key of Object.keys(permissions)) {
    if (key === '*') continue;
    const server = key.startsWith('@') ? serverOf(key) : key;
    if (server) servers.add(server.toLowerCase());
  }
  return servers;
}

/** What erase-user works with (see erasure.ts). */
function erasureDeps(deps: AdminModuleDeps, settings: AdminConfig, rooms: AdminRoomStore) {
  return {
    store: new ErasureStore(deps.stores.db),
    ghosts: deps.stores.ghosts,
    codec: deps.codec,
    gateway: deps.gateway,
    pseudonyms: new Pseudonyms(deps.stores.db),
    redactMessages: settings.erasure?.redact_messages ?? false,
    afterErasure: () => rooms.reload(),
    log: deps.log.child({ module: 'erasure' }),
  };
}

/** How often retired channels whose grace period ended are looked for (and at start). */
const RETIREMENT_SWEEP_MS = 10 * 60_000;

/**
 * Everything IT operations use, wired over the bridge's stores, directory and Matrix
 * gateway: the shared operations, the HTTP surface (provisioning API, console, health,
 * metrics), admin-room commands and declared portals.
 */
export class AdminModule {
  readonly settings: AdminConfig;
  readonly ops: AdminOperations;
  readonly http: AdminHttp;
  readonly rooms: AdminRooms | undefined;
  readonly metrics: BridgeMetrics | undefined;
  private readonly links: LinkAdminStore;
  /** The bot as administration uses it (admin rooms, notices). */
  readonly matrix: GatewayAdminMatrix;
  /** Admin rooms (DMs with the bot) and who opened each. */
  readonly adminRoomStore: AdminRoomStore;
  private readonly audit: AuditStore;
  private readonly permissions: Permissions;
  private permissionsConfig: PermissionsConfig;
  /** Other homeservers whose users may sign in; the OpenID verifier reads this very set. */
  private readonly openIdServers: Set<string>;
  /** Messages per minute per connection, for the console (in memory, since start). */
  private readonly traffic = new TrafficCounter();
  /** Unlinks retired channels when their grace period ends (retirement.ts). */
  private retirementTimer: NodeJS.Timeout | undefined;
  private retirementSweep: Promise<void> = Promise.resolve();

  constructor(private readonly deps: AdminModuleDeps) {
    const { config, stores, log } = deps;
    this.settings = adminSettings(config);
    const provisioning = this.settings.provisioning;
    const matrix = new GatewayAdminMatrix(deps.gateway);
    this.matrix = matrix;
    const queries = new AdminQueries(stores.db);
    const adminRoomStore = new AdminRoomStore(stores.db);
    this.adminRoomStore = adminRoomStore;
    this.links = new LinkAdminStore(stores.db);
    this.audit = new AuditStore(stores.db);
    this.permissionsConfig = config.permissions ?? {};
    this.permissions = new Permissions(this.permissionsConfig);
    this.openIdServers = permittedServers(this.permissionsConfig);
    this.ops = new AdminOperations({
      directory: deps.directory,
      links: this.links,
      encryption: stores.encryption,
      audit: this.audit,
      queries,
      connectors: deps.connectors,
      connectorConfig: config.connectors,
      states: deps.states,
      matrix,
      permissions: this.permissions,
      privateChannelsAllowed: this.settings.private_channels_allowed,
      erasure: erasureDeps(deps, this.settings, adminRoomStore),
      log: log.child({ module: 'admin' }),
    });

    const auth = new Authenticator(
      provisioning.secret,
      new SessionStore(provisioning.session_minutes * 60_000),
    );
    const openid = provisioning.openid
      ? new OpenIdVerifier({
          homeserverDomain: config.homeserver.domain,
          homeserverUrl: provisioning.openid_url ?? config.homeserver.url,
          otherServers: this.openIdServers,
        })
      : undefined;
    const extras: ExtraRoute[] = [
      healthRoute,
      readyRoute(queries, config.homeserver.url, deps.states, () =>
        encryptedPortalHealth(deps.directory, stores.encryption),
      ),
    ];
    if (this.settings.metrics.enabled) {
      this.metrics = new BridgeMetrics({ ...deps, queries });
      extras.push(metricsRoute(this.metrics));
    }
    extras.push(...this.consoleRoutes());
    this.http = new AdminHttp(
      apiRoutes({ ops: this.ops, auth, openid }),
      extras,
      this.ops,
      auth,
      new RateLimiter(provisioning.rate_limit_per_minute),
      provisioning.enabled,
      log.child({ module: 'admin-http' }),
      deps.refusals,
    );
    if (this.settings.commands.enabled) {
      this.rooms = new AdminRooms({
        ops: this.ops,
        store: adminRoomStore,
        matrix,
        isPortal: (roomId) => deps.directory.portalByRoom(roomId) !== undefined,
        isGhost: (userId) => deps.codec.isGhost(userId),
        log: log.child({ module: 'admin-rooms' }),
      });
    }
  }

  /** The web console's files, when it is on; none (logged) when they cannot be served. */
  private consoleRoutes(): ExtraRoute[] {
    const { config, log } = this.deps;
    const provisioning = this.settings.provisioning;
    if (!provisioning.enabled || !this.settings.console.enabled) return [];
    try {
      return [
        consoleRoute({
          homeserverUrl: this.settings.console.homeserver_url ?? config.homeserver.url,
          openid: provisioning.openid,
          secret: provisioning.secret !== undefined,
        }),
      ];
    } catch (err) {
      // A missing console must not stop the bridge; everything else still works.
      log.error({ err: errorMessage(err) }, 'web console not served');
      return [];
    }
  }

  /** Counts core events into the metrics (the audit log's retention is src/core/retention.ts). */
  start(): void {
    if (this.metrics) setCoreTelemetry(this.metrics);
    setTrafficCounter(this.traffic);
    const sweep = (): void => {
      this.retirementSweep = this.retirementSweep.then(() => this.ops.sweepRetirements());
    };
    sweep();
    this.retirementTimer = setInterval(sweep, RETIREMENT_SWEEP_MS);
    this.retirementTimer.unref();
  }

  async stop(): Promise<void> {
    if (this.metrics && telemetry() === this.metrics) setCoreTelemetry(undefined);
    if (traffic() === this.traffic) setTrafficCounter(undefined);
    clearInterval(this.retirementTimer);
    await this.retirementSweep;
    await this.rooms?.idle();
  }

  /** Creates and updates the links listed under `portals:` (see portals-setup.ts). */
  applyDeclaredPortals(portals: BridgeConfig['portals']): Promise<DeclaredSummary> {
    return applyDeclaredPortals(portals, {
      directory: this.deps.directory,
      links: this.links,
      audit: this.audit,
      resolveAlias: (alias) => this.deps.gateway.intent().resolveRoom(alias),
      roomEncryption: (roomId) => this.roomEncryption(roomId),
      removedLinks: this.settings.removed_config_links,
      log: this.deps.log,
    });
  }

  /**
   * Takes a reloaded `permissions:` block: every way in checks against it from now on.
   * Audited (path `config`) with what changed; returns the changes, empty when none.
   */
  async reloadPermissions(next: PermissionsConfig): Promise<string[]> {
    const changes = permissionChanges(this.permissionsConfig, next);
    if (changes.length === 0) return changes;
    this.permissions.replace(next);
    permittedServers(next, this.openIdServers);
    this.permissionsConfig = next;
    await this.audit
      .record({
        actor: CONFIG_ACTOR,
        path: 'config',
        action: 'permissions',
        outcome: 'ok',
        detail: changes.join('; '),
      })
      .catch((err: unknown) =>
        this.deps.log.error({ err: errorMessage(err) }, 'could not write the audit log'),
      );
    return changes;
  }

  /** Encrypted or not; `unknown` when the bot cannot read the room's state (not in it yet). */
  private async roomEncryption(roomId: string): Promise<RoomEncryption> {
    try {
      return (await this.matrix.isEncrypted(roomId)) ? 'encrypted' : 'plain';
    } catch (err) {
      this.deps.log.info(
        { roomId, err: errorMessage(err) },
        'portals: cannot read whether the room is encrypted yet; linking it',
      );
      return 'unknown';
    }
  }

  /** Membership events: DM invites to the bot open admin rooms. True when handled here. */
  onMembership(event: MatrixEvent): boolean {
    return this.rooms?.onMembership(event) ?? false;
  }

  /** A transaction's events, for commands in admin rooms. */
  observe(events: MatrixEvent[]): void {
    this.rooms?.observe(events);
  }
}
