/**
 * The Teams channel's side of Bot Framework: POSTs each activity, with a freshly signed
 * RS256 token, to the messaging endpoint of every bot installed where it happened. One
 * queue per bot keeps activities in order. Deliveries can be dropped (an unreachable bot
 * loses them, as with the real service), interrupted for a while (the channel loses the
 * bot's answers, then redelivers the same activity until one comes back, so the bot sees
 * it twice) and forged tokens can be sent for tests.
 */
import type { TokenFault } from './auth.js';
import type { Sim } from './context.js';
import { activityFor, type Activity } from './activities.js';
import type { Change } from './state.js';

export interface DeliveryRecord {
  appId: string;
  activityId: string;
  type: string;
  /** HTTP status from the bot, 0 when unreachable, -1 when dropped by the simulator. */
  status: number;
  /** How many times the channel POSTed it (more than 1 when redelivered after an interruption). */
  attempts?: number;
}

/** Redelivery back-off after an interrupted attempt: 250 ms doubling, at most 2 s apart. */
const REDELIVERY_BASE_MS = 250;
const REDELIVERY_MAX_MS = 2000;
/** Attempts before the channel gives up on an activity (the bot then has to catch up). */
const MAX_ATTEMPTS = 12;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ChannelDelivery {
  readonly records: DeliveryRecord[] = [];
  private readonly queues = new Map<string, Promise<void>>();
  private dropNext = 0;
  private interruptedUntil = 0;
  private closed = false;

  constructor(private readonly sim: Sim) {
    sim.state.onChange((c) => this.onChange(c));
  }

  /** The next `count` activities are lost on the way (as if the bot were unreachable). */
  drop(count: number): void {
    this.dropNext += count;
  }

  /**
   * For `ms` from now the connection to the bot breaks mid-request: the first attempt of each
   * activity still reaches the bot but its answer is lost, later attempts do not get through.
   * The channel redelivers the same activity (same id) with back-off until the bot answers,
   * keeping the bot's queue in order; an activity still unanswered after 12 attempts is lost.
   */
  interrupt(ms: number): void {
    this.interruptedUntil = Math.max(this.interruptedUntil, Date.now() + ms);
  }

  close(): void {
    this.closed = true;
  }

  /** Resolves when everything queued so far has been delivered or given up. */
  async idle(): Promise<void> {
    await Promise.all([...this.queues.values()]);
  }

  private onChange(change: Change): void {
    const conv =
      change.kind === 'installed'
        ? change.conversation
        : this.sim.state.conversation(change.message.conversationId);
    for (const install of this.sim.state.appsIn(conv)) {
      const app = this.sim.state.apps.get(install.appId);
      if (!app?.endpoint) continue;
      // Without resource-specific consent a bot hears only its own conversations' events.
      if (!install.rsc && conv.kind !== 'personal' && change.kind !== 'installed') continue;
      const activity = activityFor(this.sim, app.appId, change);
      if (activity) this.enqueue(app.appId, activity);
    }
  }

  private enqueue(appId: string, activity: Activity): void {
    const prev = this.queues.get(appId) ?? Promise.resolve();
    const next = prev.then(() => this.deliver(appId, activity));
    this.queues.set(appId, next);
  }

  private async deliver(appId: string, activity: Activity): Promise<void> {
    if (this.closed) return;
    if (this.dropNext > 0) {
      this.dropNext -= 1;
      this.records.push({ appId, activityId: activity.id, type: activity.type, status: -1 });
      return;
    }
    let status = 0;
    let attempts = 0;
    while (attempts < MAX_ATTEMPTS && !this.closed) {
      attempts += 1;
      if (Date.now() >= this.interruptedUntil) {
        status = await this.post(appId, activity);
        break;
      }
      // Interrupted: the first attempt reaches the bot, but its answer never comes back.
      if (attempts === 1) await this.post(appId, activity);
      status = 0;
      await sleep(Math.min(REDELIVERY_MAX_MS, REDELIVERY_BASE_MS * 2 ** (attempts - 1)));
    }
    this.records.push({ appId, activityId: activity.id, type: activity.type, status, attempts });
  }

  /** POSTs `activity` to the bot's endpoint with a token (broken as `fault` says); returns the status. */
  async post(
    appId: string,
    activity: Record<string, unknown>,
    fault?: TokenFault,
    rawBody?: string,
  ): Promise<number> {
    const app = this.sim.state.apps.get(appId);
    if (!app?.endpoint) return 0;
    const serviceUrl =
      typeof activity.serviceUrl === 'string' ? activity.serviceUrl : this.sim.serviceUrl();
    const jwt = await this.sim.auth.activityToken(appId, serviceUrl, fault);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (jwt) headers.authorization = `Bearer ${jwt}`;
    try {
      const res = await fetch(app.endpoint, {
        method: 'POST',
        headers,
        body: rawBody ?? JSON.stringify(activity),
        signal: AbortSignal.timeout(15_000),
      });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0;
    }
  }
}
