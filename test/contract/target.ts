/**
 * What a connector provides to run the shared contract suite (./suite.ts): its definition
 * and a world on its platform simulator. Everything a world does on the platform side goes
 * through the platform's own API (its official client library where there is one), never
 * through the connector under test.
 */
import type { ChannelRef, ConnectorDefinition } from '../../src/connector/contract.js';

/** A message as the platform's API shows it to a reader of the channel. */
export interface RemoteMessageView {
  id: string;
  /** The message text in the platform's own markup. */
  text: string;
  /** The name the platform's clients show as the author (override/alias/username). */
  authorName: string;
  /** Thread root id, when the message is a reply in a thread. */
  threadRoot?: string;
  /** Names of attached files. */
  files: string[];
  /** Reaction names (the platform's own emoji names) on the message. */
  reactions: string[];
}

export interface ContractWorld {
  /** The connector's config block, pointing at the simulator with a valid bot token. */
  config: unknown;
  /** The same, with a token the platform refuses. */
  badCredentialsConfig: unknown;
  /** A channel the bot is a member of. */
  channel: ChannelRef;
  /** The channel's name as the platform shows it. */
  channelName: string;
  /** A human user on the platform, a member of `channel`. */
  user: { id: string; displayName: string };

  /** As `user`: post plain text (in a thread when `threadRoot` is given); returns the id. */
  post(text: string, opts?: { threadRoot?: string }): Promise<string>;
  /** As `user`: post a file with an optional caption; returns the message id. */
  postFile(name: string, data: Buffer, mimetype: string, caption?: string): Promise<string>;
  edit(messageId: string, text: string): Promise<void>;
  remove(messageId: string): Promise<void>;
  /** `name` is the platform's emoji name (see ContractTarget.emoji). */
  react(messageId: string, name: string): Promise<void>;
  unreact(messageId: string, name: string): Promise<void>;

  /** Messages in the channel (thread replies included), oldest first, deleted ones left out. */
  messages(): Promise<RemoteMessageView[]>;
  /** Close the platform's realtime connection(s) from the server side. */
  dropConnection(): Promise<void>;
  /** The next `count` message-send requests answer 429 with Retry-After `retryAfterSec`. */
  rateLimitSends(count: number, retryAfterSec: number): void;
  /** The next `count` message-send requests answer `status` (a server error). */
  failSends(count: number, status: 500 | 503): void;
  close(): Promise<void>;
}

export interface ContractTarget {
  /** Shown in test names. */
  name: string;
  definition: ConnectorDefinition<never>;
  /** One emoji as the platform names it and as its unicode. */
  emoji: { name: string; unicode: string };
  /** How bold `word` looks in the platform's markup (e.g. `**word**`, `*word*`). */
  bold(word: string): string;
  /**
   * `webhookBase` is where the bridge serves webhooks: a connector registering one is
   * reachable at `${webhookBase}/${definition.id}/…` (the platform's configured callback URL).
   */
  setup(env: { webhookBase: string }): Promise<ContractWorld>;
}
