import type { Args } from './body.js';
import { fail, missingScope } from './errors.js';
import type { EventBus } from './events.js';
import type { RateLimiter, Tier } from './limits.js';
import type { SocketModeHub } from './socket-mode.js';
import type { ChannelRecord, MessageRecord, SimState, TokenKind, TokenRecord } from './state.js';

export interface SimConfig {
  /** Largest file accepted by an upload URL; default 1 GB on Slack, 50 MB here. */
  maxUploadBytes: number;
}

/** Everything a method handler can reach. */
export interface Sim {
  state: SimState;
  events: EventBus;
  limits: RateLimiter;
  socket: SocketModeHub;
  config: SimConfig;
}

export type Json = Record<string, unknown>;

export class MethodCtx {
  constructor(
    readonly sim: Sim,
    readonly args: Args,
    readonly token: TokenRecord,
  ) {}

  get state(): SimState {
    return this.sim.state;
  }

  /** The user acting: the human of a user token, the bot user of a bot token. */
  get actor(): string {
    return this.token.userId ?? '';
  }

  has(scope: string): boolean {
    return this.token.scopes.has(scope);
  }

  need(scope: string): void {
    if (!this.has(scope)) throw missingScope(scope, this.token.scopes);
  }

  /** The channel named by `arg`; private channels exist only for their members. */
  channel(arg = 'channel'): ChannelRecord {
    const id = this.args[arg];
    const c = typeof id === 'string' ? this.state.channels.get(id) : undefined;
    if (!c || c.teamId !== this.token.teamId) throw fail('channel_not_found');
    if (c.isPrivate && !c.members.has(this.actor)) throw fail('channel_not_found');
    return c;
  }

  /** Needs the channels:* or groups:* variant of a scope, by the channel's type. */
  needFor(c: ChannelRecord, publicScope: string, privateScope: string): void {
    this.need(c.isPrivate ? privateScope : publicScope);
  }

  requireMember(c: ChannelRecord): void {
    if (!c.members.has(this.actor)) throw fail('not_in_channel');
  }

  message(c: ChannelRecord, arg = 'ts'): MessageRecord {
    const ts = this.args[arg];
    const m = typeof ts === 'string' ? this.state.findMessage(c.id, ts) : undefined;
    if (!m) throw fail('message_not_found');
    return m;
  }

  /** Whether the token's identity wrote `m` (bots by bot id, people by user id). */
  isAuthor(m: MessageRecord): boolean {
    if (this.token.kind === 'bot') return m.botId !== undefined && m.botId === this.token.botId;
    return m.user === this.actor && m.botId === undefined;
  }
}

export interface MethodSpec {
  tier: Tier;
  /** Token kinds allowed; others get `not_allowed_token_type`. */
  tokens: TokenKind[];
  /** Scopes needed whatever the arguments. */
  scopes?: string[];
  handler(ctx: MethodCtx): Json | Promise<Json>;
}

export type MethodTable = Record<string, MethodSpec>;
