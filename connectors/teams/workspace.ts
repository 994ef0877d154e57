/**
 * One Teams tenant/app pair: its clients (tokens, Bot Connector, Graph), the conversation
 * references, live activity intake, the core's catch-up once activities are accepted and
 * every `catchup.interval_seconds`, account linking, and the connection state operators see.
 */
import {
  Backoff,
  ChannelSerializer,
  connectionProblem,
  type ConnectionStatus,
  type ConnectorContext,
  errorMessage,
  type LinkedChannel,
  type MessagesPage,
  RatePacer,
  ReactionTracker,
} from '../../src/connector/index.js';
import type { TeamsActivity } from './activity.js';
import { AccountLinks } from './auth/account-links.js';
import {
  AppTokens,
  BadCredentialsError,
  BOT_CONNECTOR_SCOPE,
  GRAPH_SCOPE,
} from './auth/app-tokens.js';
import { parseKey } from './auth/token-crypto.js';
import { BotConnector } from './botconnector.js';
import { GraphCatchUp } from './history.js';
import type { TeamsConfig, TeamsWorkspaceConfig } from './config.js';
import type { TeamsDeps } from './deps.js';
import { Directory } from './directory.js';
import { Echoes } from './echoes.js';
import { GraphApi } from './graph.js';
import type { Fetch } from './http.js';
import { Inbound } from './inbound.js';
import { Members } from './members.js';
import { ConversationRefs } from './refs.js';
import { BOT_LIMITS, GRAPH_POST_LIMITS, GRAPH_READ_LIMITS } from './rate-limits.js';
import { Sender } from './sender.js';
import { Threads } from './threads.js';

export type StartResult = 'ready' | 'bad_credentials' | 'retrying';

const RETRY_MAX_MS = 5 * 60_000;

export class TeamsWorkspace {
  readonly d: TeamsDeps;
  readonly sender: Sender;
  private readonly inbound: Inbound;
  private readonly catchup: GraphCatchUp;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private status: ConnectionStatus | undefined;
  private running: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly account: TeamsWorkspaceConfig,
    config: TeamsConfig,
    ctx: ConnectorContext,
    doFetch: Fetch,
    redirectUri: () => string,
  ) {
    const log = ctx.logger.child({ workspace: name });
    const tokens = new AppTokens(
      `${config.login_url}/${account.tenant_id}/oauth2/v2.0/token`,
      account.app_id,
      account.app_password,
      doFetch,
      `connectors.teams.workspaces.${name}`,
    );
    const bot = new BotConnector(tokens, doFetch);
    const graphReads = new RatePacer({ limits: GRAPH_READ_LIMITS, label: 'Microsoft Graph reads' });
    const graph = new GraphApi(
      config.graph_url,
      doFetch,
      () => tokens.get(GRAPH_SCOPE),
      () => tokens.invalidate(GRAPH_SCOPE),
      { pacer: graphReads, key: 'app' },
    );
    const refs = new ConversationRefs(name, ctx.storage);
    const links = account.token_encryption_key
      ? new AccountLinks({
          workspace: name,
          tenantId: account.tenant_id,
          appId: account.app_id,
          secret: account.app_password,
          loginUrl: config.login_url,
          graphUrl: config.graph_url,
          redirectUri,
          key: parseKey(account.token_encryption_key),
          storage: ctx.storage,
          doFetch,
        })
      : undefined;
    this.d = {
      workspace: name,
      connectorId: ctx.connectorId,
      config,
      account,
      ctx,
      log,
      doFetch,
      tokens,
      bot,
      graph,
      refs,
      members: new Members(bot),
      directory: new Directory(graph, refs, account.app_id),
      threads: new Threads(name, ctx.storage),
      reactions: new ReactionTracker(ctx.reactions),
      echoes: new Echoes(),
      links,
      queue: new ChannelSerializer(),
      botRate: new RatePacer({ limits: BOT_LIMITS, label: 'Teams Bot Connector' }),
      graphRate: new RatePacer({ limits: GRAPH_POST_LIMITS, label: 'Microsoft Graph' }),
      graphReads,
    };
    this.sender = new Sender(this.d);
    this.catchup = new GraphCatchUp(this.d, (err) => this.report('retrying', errorMessage(err)));
    this.inbound = new Inbound(this.d, this.catchup);
  }

  private report(status: ConnectionStatus, error?: string): void {
    if (this.status === status && status !== 'retrying') return;
    this.status = status;
    if (status !== 'bad_credentials' && status !== 'retrying') {
      this.d.ctx.reportState(this.name, error ? { status, error } : { status });
      return;
    }
    const where = {
      credentialKeys: 'app_id and app_password and tenant_id',
      urlKey: `connectors.${this.d.connectorId}.login_url`,
      url: this.d.config.login_url,
    };
    const problem = { authFailed: status === 'bad_credentials', reason: error ?? status };
    this.d.ctx.reportState(
      this.name,
      connectionProblem(this.d.connectorId, this.name, { ...problem, ...where }),
    );
  }

  /** Checks the credentials; the first catch-up starts with `acceptingFrom`. */
  async start(): Promise<StartResult> {
    this.stopped = false;
    this.report('connecting');
    try {
      await this.d.tokens.get(BOT_CONNECTOR_SCOPE);
      await this.d.tokens.get(GRAPH_SCOPE);
    } catch (err) {
      if (err instanceof BadCredentialsError) {
        this.report('bad_credentials', err.message);
        return 'bad_credentials';
      }
      this.report('retrying', errorMessage(err));
      this.schedule(this.retries.next());
      return 'retrying';
    }
    return 'ready';
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    this.report('stopped');
  }

  /**
   * The bridge accepts activities from `at` on: every linked conversation is caught up to
   * then, and its live activities wait for that, so they come after what they follow.
   */
  acceptingFrom(at: number): void {
    this.catchup.acceptedAt = at;
    if (this.status !== 'bad_credentials') this.pass();
  }

  /** One read of the core's catch-up (see GraphCatchUp). */
  fetchSince(link: LinkedChannel, cursor: string | undefined): Promise<MessagesPage> {
    return this.catchup.fetchSince(link, cursor);
  }

  handle(activity: TeamsActivity): Promise<void> {
    return this.inbound.handle(activity);
  }

  private readonly retries = new Backoff({ initialMs: 1000, maxMs: RETRY_MAX_MS, minMs: 500 });

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.pass(), delayMs);
    this.timer.unref?.();
  }

  /** A catch-up round, planned now (live activities wait for it), then the next one scheduled. */
  private pass(): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    const run = this.afterRound(this.catchup.round());
    this.running = run;
    void run.finally(() => {
      if (this.running === run) this.running = undefined;
    });
  }

  private async afterRound(round: Promise<void>): Promise<void> {
    try {
      await Promise.all([this.d.tokens.get(GRAPH_SCOPE), round]);
      this.retries.reset();
      if (!this.stopped) this.report('connected');
      this.schedule(this.d.config.catchup.interval_seconds * 1000);
    } catch (err) {
      if (this.stopped) return;
      if (err instanceof BadCredentialsError) {
        this.report('bad_credentials', err.message);
        return;
      }
      this.report('retrying', errorMessage(err));
      this.schedule(Math.min(this.retries.next(), this.d.config.catchup.interval_seconds * 1000));
    }
  }
}
