/**
 * What the benchmark and the fault-injection suite need from one platform: its connector, a
 * simulator with channels a bot and one human user are in, and a few fault switches. Adding a
 * platform to both is one adapter file (see mattermost.ts) and one line in ./index.ts.
 *
 * Everything a world does on the platform goes through the platform's own API (its official
 * client library), never through the connector under test; fault switches use the
 * simulator's control API.
 */
import type { ConnectorDefinition } from '../../src/connector/contract.js';

export interface RateLimit {
  perSecond: number;
  burst: number;
}

export interface PlatformOptions {
  /** How many channels to create (one portal each). */
  channels: number;
  /** A rate limit the simulator enforces per token from the start. */
  rateLimit?: RateLimit;
}

export interface PlatformFaults {
  /** Enforce (or lift, with false) a per-token request rate limit answering 429 + Retry-After. */
  setRateLimit(limit: RateLimit | false): void;
  /** The next `count` API requests, whoever makes them, answer `status` (429 with Retry-After). */
  failRequests(status: 429 | 500 | 503, count: number, retryAfterSec?: number): void;
  /** Close every realtime connection (WebSocket/socket mode) from the server side. */
  dropConnection(): void;
}

export interface BridgedMessage {
  text: string;
  /** When the platform created it (its own clock, epoch ms). */
  at: number;
  authorName: string;
  avatarUrl?: string;
}

export interface PlatformUser {
  id: string;
  /** How a message text mentions this user on the platform (e.g. `@user1`). */
  mention: string;
  post(channel: string, text: string): Promise<void>;
}

/** What in a platform message would act rather than show (per the platform's renderer). */
export interface MarkupRisks {
  /** Live links, images or embeds with a scheme that runs code or loads foreign content. */
  active: string[];
  /** Live mentions that notify everyone in the channel. */
  roomPings: string[];
}

/** A message the bridge posted, as the platform shows it now (deleted ones are not listed). */
export interface BridgedPost {
  text: string;
  /** Reactions on it, by anyone (each user and emoji once). */
  reactions: number;
  /** Names of the files attached to it. */
  files: string[];
}

/**
 * What the fault suite needs to stream more than text: the human user's edits, reactions,
 * deletions and uploads (each retried like `post`, so each call acts once), and the bridge's
 * posts with their reactions and files. Optional: a platform without it streams text only.
 */
export interface PlatformActivity {
  /**
   * Whether a Matrix user's reaction crosses to this platform as the bridge (default true).
   * False where only people's own accounts can react (Teams): the stream then sends none.
   */
  matrixReactions?: boolean;
  /** Like `post`, returning the new message's native id. */
  postId(channel: string, text: string): Promise<string>;
  edit(channel: string, id: string, text: string): Promise<void>;
  /** Adds a thumbs-up reaction as the human user. */
  react(channel: string, id: string): Promise<void>;
  remove(channel: string, id: string): Promise<void>;
  /** Posts a small text file named `name` as the human user. */
  upload(channel: string, name: string): Promise<void>;
  bridgedPosts(channel: string): Promise<BridgedPost[]>;
}

export interface PlatformWorld {
  /** The workspace name used in the connector config and portal links. */
  workspace: string;
  /** Native channel ids, one per requested channel. */
  channels: string[];
  /** The human user who posts (its ghost is the Matrix sender of bridged posts). */
  user: { id: string };
  /** The connector's config block (`connectors.<id>`), pointing at the simulator. */
  connectorConfig: Record<string, unknown>;
  /**
   * Posts `text` as the human user. Transient refusals (429/5xx, as injected faults cause)
   * are retried here like a person pressing "retry", so each call creates exactly one message.
   */
  post(channel: string, text: string): Promise<void>;
  /** Texts of the messages the bridge posted in `channel`, oldest first, read via the API. */
  bridgedTexts(channel: string): Promise<string[]>;
  /** Texts the human user posted in `channel`, oldest first (for explaining a loss). */
  userTexts(channel: string): Promise<string[]>;
  /**
   * The bridge's messages in `channel` as the platform's clients show them, oldest first:
   * text, the author name shown, and the avatar URL (a signed URL of the bridge's media
   * proxy when the bridge posts under the Matrix user's identity).
   */
  bridgedMessages(channel: string): Promise<BridgedMessage[]>;
  /** Another platform user with this display name, in every channel; posts through the API. */
  addUser(displayName: string): Promise<PlatformUser>;
  faults: PlatformFaults;
  /** Edits, reactions, deletions and files (platforms whose adapter supports them). */
  activity?: PlatformActivity;
  /**
   * Told where the bridge serves this connector's webhooks
   * (`{appservice.public_url}/_bridge/webhooks/<id>`), for platforms that push to the bridge.
   */
  useBridgeWebhooks?(base: string): void;
  close(): Promise<void>;
}

export interface PlatformAdapter {
  /** The connector id (`connectors.<id>` in the config). */
  id: string;
  definition: ConnectorDefinition<never>;
  start(opts: PlatformOptions): Promise<PlatformWorld>;
  /** Reads a message text the way the platform's clients render it. */
  markupRisks(text: string): MarkupRisks;
  /**
   * Whether the bridge can notify a whole channel on this platform at all (default true).
   * False for Teams: bots cannot mention a channel or team, so a Matrix `@room` arrives as
   * plain text and checks of how room mentions are passed on do not apply.
   */
  roomPings?: boolean;
}
