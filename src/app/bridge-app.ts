import type { Knex } from 'knex';
import { Bridge } from 'matrix-appservice-bridge';
import type { Logger } from 'pino';
import type { BridgeConfig } from '../config/index.js';
import { readRegistration, verifyRegistration, type RegistrationInfo } from '../config/index.js';
import { retentionSettings } from '../config/index.js';
import { CatchUpKit } from '../connector/catch-up-kit.js';
import { capabilitiesOf } from '../connector/capabilities.js';
import type { ConnectorContext, ConnectorDefinition } from '../connector/contract.js';
import { ConnectionStates } from '../core/connection-states.js';
import { ConnectorRegistry } from '../core/delivery/deps.js';
import { Dispatcher } from '../core/delivery/dispatcher.js';
import { GhostIdCodec } from '../core/ids.js';
import { Intake } from '../core/intake.js';
import { MATRIX_SOURCE } from '../core/inbox-payload.js';
import { PortalDirectory } from '../core/portal-directory.js';
import { PortalWorkers } from '../core/workers.js';
import { RetentionPruner, retentionJobs, storageRules } from '../core/retention.js';
import { AuditStore } from '../store/audit-store.js';
import { MatrixCatchUp } from '../matrix/catch-up.js';
import { DurableAppService, type MatrixEvent } from '../matrix/durable-appservice.js';
import { MatrixGateway } from '../matrix/matrix-gateway.js';
import type { MediaProxy } from '../matrix/media-proxy.js';
import { routeSdkLogs } from '../matrix/sdk-logging.js';
import { WebhookRouter } from './webhooks.js';
import { createStores, openDatabase, type Stores } from '../store/index.js';
import { BridgeError, errorMessage } from '../util/errors.js';
import { botMembership, PortalJoiner } from './portal-joins.js';
import { AdminModule } from '../admin/admin-module.js';
import { PrunedLinkNotices } from '../admin/pruned-link-notices.js';
import { RawRouteChain } from './raw-routes.js';
import { ingressSettings, refusalLogIntervalMs } from '../http/ingress-settings.js';
import { RefusalLog } from '../util/refusal-log.js';
import { createMediaProxy, deliveryDeps } from './delivery-setup.js';
import { ScannerWatch } from './media-setup.js';
import { logConnectionState } from './connection-log.js';
import { checkHomeserver, DEFAULT_STARTUP_WAIT_S } from './homeserver-check.js';
import { listenError } from './listen-error.js';
import { restartOnlyChanges, type ReloadSummary } from './config-reload.js';

/** How long start-up waits for the bot to join portal rooms before going on without it. */
const JOIN_WAIT_MS = 5_000;

/** What a test (or an embedding program) may set apart from the config. */
export interface BridgeAppOptions {
  /** The clock retention prunes by (ms since the epoch): a test moves it past the limits. */
  now?: () => number;
  /** How often the retention pass runs (default hourly). */
  retentionIntervalMs?: number;
}

/** The whole bridge: storage, the Matrix side, the connectors and the delivery workers. */
export class BridgeApp {
  readonly states = new ConnectionStates();
  readonly connectors = new ConnectorRegistry();
  stores!: Stores;
  directory!: PortalDirectory;
  workers!: PortalWorkers;
  gateway!: MatrixGateway;
  admin!: AdminModule;
  private db!: Knex;
  private appservice!: DurableAppService;
  private webhooks!: WebhookRouter;
  private pruner: RetentionPruner | undefined;
  private scannerWatch: ScannerWatch | undefined;
  private joiner: PortalJoiner | undefined;
  private catchUp: MatrixCatchUp | undefined;
  /** Each started connector's cursors and catch-up, by connector id. */
  private readonly catchUpKits = new Map<string, CatchUpKit>();
  private refusals: RefusalLog | undefined;
  private dispatcher: Dispatcher | undefined;
  /** The reload in progress (or the last one, settled); reloads run one at a time. */
  private reloading: Promise<unknown> = Promise.resolve();
  private stopping = false;

  constructor(
    private config: BridgeConfig,
    private readonly definitions: ConnectorDefinition[],
    private readonly log: Logger,
    private readonly options: BridgeAppOptions = {},
  ) {}

  async start(): Promise<void> {
    const { config, log } = this;
    routeSdkLogs(log);
    log.info('bridge starting'); // the logger's base fields carry the version
    const registration = readRegistration(config.appservice.registration);
    verifyRegistration(config, registration);
    await this.awaitHomeserver(registration);
    await this.openStorage();
    const bridge = await this.connectHomeserver(registration.as_token);
    const refusals = new RefusalLog(log, refusalLogIntervalMs(config.appservice.ingress));
    this.refusals = refusals;
    const codec = new GhostIdCodec(config.appservice.ghost_prefix, config.homeserver.domain);
    const mediaProxy = createMediaProxy(config, registration.as_token, this.gateway, log, refusals);
    const intake = await this.startDelivery(codec, mediaProxy);
    this.admin = new AdminModule({
      config,
      stores: this.stores,
      directory: this.directory,
      gateway: this.gateway,
      connectors: this.connectors,
      states: this.states,
      codec,
      log,
      refusals,
    });
    this.appservice = this.createAppService(registration.hs_token, intake, refusals);
    mediaProxy.register(this.appservice.expressApp);
    this.webhooks = new WebhookRouter(config.appservice.public_url, log, refusals);
    this.appservice.setRawRoutes(new RawRouteChain([this.admin.http, this.webhooks]));
    const { port, bind_address: bindAddress } = config.appservice;
    await bridge
      .listen(port, bindAddress, 10, this.appservice.asAppService())
      .catch((err: unknown) => Promise.reject(listenError(err, { port, bindAddress })));
    log.info({ port }, 'appservice listening');
    await this.startWork(intake);
  }

  /** Waits for the homeserver (warn per retry) and checks it knows the registration's token. */
  private async awaitHomeserver(registration: RegistrationInfo): Promise<void> {
    const { homeserver, appservice } = this.config;
    await checkHomeserver({
      url: homeserver.url,
      asToken: registration.as_token,
      botUserId: `@${appservice.bot_localpart}:${homeserver.domain}`,
      registrationFile: appservice.registration,
      waitMs: (homeserver.startup_wait_s ?? DEFAULT_STARTUP_WAIT_S) * 1000,
      log: this.log,
    });
  }

  private async openStorage(): Promise<void> {
    const { database } = this.config;
    this.db = await openDatabase({ url: database.url, dataDir: database.data_dir });
    this.stores = createStores(this.db);
    this.directory = new PortalDirectory(this.stores.portals);
    await this.directory.load();
  }

  /** The homeserver side: the SDK's bridge (for listening) and the gateway to Matrix. */
  private async connectHomeserver(asToken: string): Promise<Bridge> {
    const { config } = this;
    const bridge = new Bridge({
      homeserverUrl: config.homeserver.url,
      domain: config.homeserver.domain,
      registration: config.appservice.registration,
      controller: { onEvent: () => undefined },
      disableStores: true,
      disableContext: true,
      suppressEcho: false,
    });
    await bridge.initialise();
    this.gateway = new MatrixGateway(bridge, config.homeserver.url, asToken);
    return bridge;
  }

  /** The dispatcher and per-portal workers, and the intake that feeds them. */
  private async startDelivery(codec: GhostIdCodec, mediaProxy: MediaProxy): Promise<Intake> {
    const { config, log } = this;
    const deps = await deliveryDeps(
      {
        config,
        log,
        stores: this.stores,
        directory: this.directory,
        gateway: this.gateway,
        connectors: this.connectors,
      },
      codec,
      mediaProxy,
    );
    this.scannerWatch = new ScannerWatch(deps.media.policy);
    const retry = config.bridge.retry;
    const dispatcher = (this.dispatcher = new Dispatcher(
      deps,
      {
        maxAttempts: retry.max_attempts,
        initialDelayMs: retry.initial_delay_ms,
        maxDelayMs: retry.max_delay_ms,
      },
      config.bridge.permanent_failure_notices,
    ));
    this.workers = new PortalWorkers(this.stores.inbox, (item) => dispatcher.process(item), log);
    return new Intake(
      this.stores.inbox,
      this.directory,
      codec,
      () => this.gateway.botUserId,
      (ids) => this.workers.wake(ids),
      (event) => {
        deps.members.forget(event.room_id);
        this.onMembership(event);
      },
      log,
    );
  }

  /** The appservice endpoint: a transaction is recorded (durably) before it is answered. */
  private createAppService(
    hsToken: string,
    intake: Intake,
    refusals: RefusalLog,
  ): DurableAppService {
    const { config, log } = this;
    const appservice = new DurableAppService(
      { homeserverToken: hsToken, ingress: ingressSettings(config.appservice.ingress), refusals },
      log,
    );
    appservice.setTransactionHandler(async (events) => {
      this.admin.observe(events);
      await this.catchUp?.beforeTransaction(events);
      return intake.recordTransaction(events);
    });
    return appservice;
  }

  /** Links, connectors, pending work, room joins, pruning and Matrix catch-up, in that order. */
  private async startWork(intake: Intake): Promise<void> {
    const { config, log } = this;
    // Links first: a connector's first resync must already see every linked channel.
    await this.admin.applyDeclaredPortals(config.portals);
    this.admin.start();
    this.scannerWatch?.start();
    await this.startConnectors(intake);
    this.joiner = this.portalJoiner();
    // Work left from before the restart need not wait for rooms the bot is joining.
    await this.workers.resume();
    await this.joiner.startWithin(JOIN_WAIT_MS);
    this.schedulePruning();
    log.info({ portals: this.directory.portals().length }, 'bridge started');
    this.startMatrixCatchUp(intake);
  }

  private portalJoiner(): PortalJoiner {
    return new PortalJoiner(
      () => this.directory.portals().map((p) => p.roomId),
      botMembership(this.gateway),
      this.log,
    );
  }

  /**
   * Applies a re-read config file's `portals:` and `permissions:` while running (SIGHUP), one
   * reload at a time. Other changed keys are only reported: they take effect at a restart.
   */
  reload(next: BridgeConfig): Promise<ReloadSummary> {
    const run = this.reloading.then(() => this.applyReload(next));
    this.reloading = run.catch(() => undefined);
    return run;
  }

  private async applyReload(next: BridgeConfig): Promise<ReloadSummary> {
    if (!this.admin || this.stopping) {
      throw new BridgeError('RELOAD_NOT_RUNNING', 'the bridge is not running; nothing reloaded');
    }
    const needRestart = restartOnlyChanges(this.config, next);
    const permissions = await this.admin.reloadPermissions(next.permissions ?? {});
    const portals = await this.admin.applyDeclaredPortals(next.portals);
    this.config = { ...this.config, portals: next.portals, permissions: next.permissions };
    // Newly declared rooms: the bot joins them, as at start-up.
    const previous = this.joiner;
    this.joiner = this.portalJoiner();
    await previous?.stop();
    void this.joiner.start();
    return { permissions, portals: { ...portals }, needRestart };
  }

  /** Matrix events the homeserver dropped instead of sending (F2, docs/fault-injection.md). */
  private startMatrixCatchUp(intake: Intake): void {
    this.catchUp = new MatrixCatchUp({
      client: () => this.gateway.intent().matrixClient,
      botUserId: () => this.gateway.botUserId,
      storage: this.stores.kv.forConnector('_core'),
      portalRooms: () => this.directory.portals().map((p) => p.roomId),
      isPortalRoom: (roomId) => this.directory.portalByRoom(roomId) !== undefined,
      recorded: (ids) => this.stores.inbox.recorded(MATRIX_SOURCE, ids),
      record: (events) => intake.recordRecovered(events),
      log: this.log.child({ component: 'catch-up' }),
    });
    this.catchUp.start();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.reloading;
    this.pruner?.stop();
    this.scannerWatch?.stop();
    await this.joiner?.stop();
    await this.catchUp?.stop();
    for (const c of this.connectors.all()) {
      const kit = this.catchUpKits.get(c.id);
      await kit?.stopCatchUp();
      await c.connector
        .stop()
        .catch((err: unknown) =>
          this.log.warn({ connector: c.id, err: errorMessage(err) }, 'connector stop failed'),
        );
      await kit
        ?.flush()
        .catch((err: unknown) =>
          this.log.warn({ connector: c.id, err: errorMessage(err) }, 'could not store cursors'),
        );
    }
    await this.workers?.stop();
    await this.dispatcher?.flushNotices();
    await this.admin?.stop();
    await this.appservice?.close().catch(() => undefined);
    this.refusals?.flush();
    await this.db?.destroy();
  }

  private async startConnectors(intake: Intake): Promise<void> {
    for (const def of this.definitions) {
      const block = this.config.connectors[def.id];
      if (!block) continue;
      const log = this.log.child({ connector: def.id });
      const kit = new CatchUpKit({
        rows: this.stores.cursors.forConnector(def.id),
        linkedChannels: () => Promise.resolve(this.directory.linkedChannels(def.id)),
        record: (event) => intake.recordRemote(def.id, event),
        log: log.child({ component: 'catch-up' }),
      });
      this.catchUpKits.set(def.id, kit);
      const ctx: ConnectorContext = {
        connectorId: def.id,
        logger: log,
        ...kit.contextMembers(),
        reportState: (workspace, state) => {
          this.states.set(def.id, workspace, logConnectionState(log, def.id, workspace, state));
        },
        linkedChannels: () => Promise.resolve(this.directory.linkedChannels(def.id)),
        storage: this.stores.kv.forConnector(def.id),
        reactions: this.stores.reactionSnapshots.forConnector(def.id),
        registerWebhook: (handler) => this.webhooks.register(def.id, handler),
      };
      const connector = def.create(ctx, block);
      kit.bind(connector);
      this.connectors.add({
        id: def.id,
        displayName: def.displayName,
        connector,
        capabilities: capabilitiesOf(connector),
      });
      await connector.start();
    }
  }

  private onMembership(event: MatrixEvent): void {
    if (this.admin?.onMembership(event)) return;
    const invited =
      event.state_key === this.gateway.botUserId && event.content.membership === 'invite';
    if (!invited) return;
    if (!this.directory.portalByRoom(event.room_id)) {
      this.log.info(
        { roomId: event.room_id, inviter: event.sender },
        'bot invited to a room with no portal; not joining',
      );
      return;
    }
    this.gateway
      .intent()
      .join(event.room_id)
      .catch((err: unknown) =>
        this.log.warn(
          { roomId: event.room_id, err: errorMessage(err) },
          'could not join portal room',
        ),
      );
  }

  /** Every retention (src/core/retention.ts), hourly unless the options say otherwise. */
  private schedulePruning(): void {
    const settings = retentionSettings(this.config);
    const notices = new PrunedLinkNotices({
      rooms: this.admin.adminRoomStore,
      matrix: this.admin.matrix,
      connectorName: (id) => (this.connectors.has(id) ? this.connectors.get(id).displayName : id),
      days: settings.account_links_days,
      log: this.log.child({ component: 'retention' }),
    });
    const jobs = retentionJobs(
      settings,
      this.stores,
      new AuditStore(this.stores.db),
      storageRules(this.definitions.filter((d) => this.config.connectors[d.id])),
      (links) => notices.tell(links),
    );
    this.pruner = new RetentionPruner(
      jobs,
      this.log.child({ component: 'retention' }),
      this.options.now,
    );
    this.pruner.start(this.options.retentionIntervalMs);
  }
}
