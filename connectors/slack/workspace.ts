import type { Logger } from 'pino';
import {
  Backoff,
  connectionProblem,
  type ConnectionState,
  type ConnectorContext,
  ReactionTracker,
  type RemoteApiError,
} from '../../src/connector/index.js';
import { SlackApi } from './api.js';
import { DEFAULT_API_URL, type WorkspaceConfig } from './config.js';
import { ActiveThreads } from './active-threads.js';
import { Directory } from './directory.js';
import type { EventsEndpoint } from './events-http.js';
import { SlackIntake, type Identity } from './intake.js';
import { SlackSender } from './outbound.js';
import { SocketModeLink } from './socket-mode.js';
import { ThreadIndex } from './threads.js';

const CUSTOMIZE_SCOPE = 'chat:write.customize';
const START_BACKOFF = { initialMs: 2000, maxMs: 5 * 60 * 1000, minMs: 1000 };

/**
 * One Slack workspace (one app installation): its Web API client, its event intake (Socket
 * Mode or Events API) and the state needed to post as Matrix users and catch up after gaps.
 */
export class SlackWorkspace implements EventsEndpoint {
  readonly api: SlackApi;
  readonly directory: Directory;
  readonly threads: ThreadIndex;
  readonly sender: SlackSender;
  readonly intake: SlackIntake;
  readonly signingSecret: string;
  private identity: Identity | undefined;
  private scopes = new Set<string>();
  private socket: SocketModeLink | undefined;
  private running = false;
  private readonly startRetries = new Backoff(START_BACKOFF);
  private retryTimer: NodeJS.Timeout | undefined;
  private readonly log: Logger;

  constructor(
    readonly name: string,
    readonly config: WorkspaceConfig,
    private readonly ctx: ConnectorContext,
  ) {
    this.log = ctx.logger.child({ workspace: name });
    const apiUrl = config.api_url ?? DEFAULT_API_URL;
    this.api = new SlackApi(config.bot_token, apiUrl, this.log);
    this.directory = new Directory(this.api, name);
    this.threads = new ThreadIndex(this.api);
    this.signingSecret = config.signing_secret ?? '';
    this.intake = new SlackIntake({
      workspace: name,
      ctx,
      api: this.api,
      directory: this.directory,
      threads: this.threads,
      activeThreads: new ActiveThreads(ctx.storage, name),
      reactions: new ReactionTracker(ctx.reactions),
      log: this.log,
      identity: () => this.identity,
    });
    this.sender = new SlackSender({
      workspace: name,
      api: this.api,
      threads: this.threads,
      log: this.log,
      storage: ctx.storage,
      customIdentity: () => this.customIdentity(),
    });
    if (config.mode === 'socket' && config.app_token) {
      this.socket = new SocketModeLink(
        config.app_token,
        apiUrl,
        {
          onHello: () => this.caughtUp(),
          onEvent: (payload) => this.intake.handlePayload(payload),
          onState: (s) => this.report(this.socketState(s)),
        },
        this.log,
      );
    }
  }

  private report(state: ConnectionState): void {
    this.ctx.reportState(this.name, state);
  }

  /** A failed connection, naming the config key to check and the API's URL. */
  private problem(authFailed: boolean, reason: string, credential = 'bot_token'): ConnectionState {
    const url = this.config.api_url ?? DEFAULT_API_URL;
    const where = { credentialKeys: credential, urlKey: 'api_url', url };
    return connectionProblem(this.ctx.connectorId, this.name, { authFailed, reason, ...where });
  }

  /** Socket Mode's failures depend on the app-level token, not the bot token. */
  private socketState(s: ConnectionState): ConnectionState {
    if (s.status !== 'bad_credentials' && s.status !== 'retrying') return s;
    return this.problem(s.status === 'bad_credentials', s.error ?? s.status, 'app_token');
  }

  async start(): Promise<void> {
    this.running = true;
    this.report({ status: 'connecting' });
    await this.connect();
  }

  async stop(): Promise<void> {
    this.running = false;
    clearTimeout(this.retryTimer);
    await this.socket?.stop();
    await this.intake.idle();
    this.ctx.reportState(this.name, { status: 'stopped' });
  }

  /** Checks the token (auth.test), then opens the event intake. Transient failures retry later. */
  private async connect(): Promise<void> {
    if (!this.running) return;
    try {
      const res = await this.api.read('auth.test');
      this.identity = {
        teamId: String(res.team_id ?? ''),
        botUserId: String(res.user_id ?? ''),
        botId: typeof res.bot_id === 'string' ? res.bot_id : undefined,
      };
      const granted = (res.response_metadata as { scopes?: string[] } | undefined)?.scopes;
      this.scopes = new Set(granted ?? []);
    } catch (err) {
      const e = err as RemoteApiError;
      if (e.code === 'SLACK_AUTH') {
        this.report(this.problem(true, 'Slack refused the bot token'));
        return;
      }
      this.report(this.problem(false, e.message));
      const delay = this.startRetries.next(e.retryAfterMs);
      this.retryTimer = setTimeout(() => void this.connect(), delay);
      return;
    }
    this.startRetries.reset();
    if (this.config.identity === undefined || this.config.identity === 'auto') {
      if (!this.scopes.has(CUSTOMIZE_SCOPE)) {
        this.log.warn(
          `the Slack app lacks ${CUSTOMIZE_SCOPE}: Matrix senders are named in the message text instead of as the author`,
        );
      }
    }
    if (this.socket) this.socket.start();
    else await this.caughtUp();
  }

  /** After (re)connecting: the core replays what was missed, then the workspace is connected. */
  private async caughtUp(): Promise<void> {
    await this.ctx.catchUp(this.name);
    if (!this.running) return;
    const note = this.customIdentity()
      ? undefined
      : `posting with in-text attribution (the app lacks ${CUSTOMIZE_SCOPE} or identity is "attribution")`;
    this.ctx.reportState(this.name, { status: 'connected', ...(note ? { error: note } : {}) });
  }

  /** Whether Matrix users can appear as the author (name and avatar) of their messages. */
  customIdentity(): boolean {
    const mode = this.config.identity ?? 'auto';
    if (mode === 'override') return true;
    if (mode === 'attribution') return false;
    return this.scopes.has(CUSTOMIZE_SCOPE);
  }

  // EventsEndpoint (Events API over HTTP)

  /** A channel's events wait for its catch-up that follows auth.test, so order is kept. */
  accepting(): boolean {
    return this.running && this.identity !== undefined && this.config.mode === 'events';
  }

  handlePayload: EventsEndpoint['handlePayload'] = (payload) => this.intake.handlePayload(payload);
}
