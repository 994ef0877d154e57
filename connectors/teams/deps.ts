import type { Logger } from 'pino';
import type {
  ChannelSerializer,
  ConnectorContext,
  RatePacer,
  ReactionTracker,
} from '../../src/connector/index.js';
import type { AccountLinks } from './auth/account-links.js';
import type { AppTokens } from './auth/app-tokens.js';
import type { BotConnector } from './botconnector.js';
import type { TeamsConfig, TeamsWorkspaceConfig } from './config.js';
import type { Directory } from './directory.js';
import type { Echoes } from './echoes.js';
import type { GraphApi } from './graph.js';
import type { Fetch } from './http.js';
import type { Members } from './members.js';
import type { ConversationRefs } from './refs.js';
import type { Threads } from './threads.js';

/** Everything one workspace's parts share. */
export interface TeamsDeps {
  workspace: string;
  connectorId: string;
  config: TeamsConfig;
  account: TeamsWorkspaceConfig;
  ctx: ConnectorContext;
  log: Logger;
  doFetch: Fetch;
  tokens: AppTokens;
  bot: BotConnector;
  /** App-only Graph. */
  graph: GraphApi;
  refs: ConversationRefs;
  members: Members;
  directory: Directory;
  threads: Threads;
  reactions: ReactionTracker;
  echoes: Echoes;
  /** Present when token_encryption_key is configured. */
  links?: AccountLinks;
  /** Writes to one conversation, one at a time, in the order the core asked for them. */
  queue: ChannelSerializer;
  /** Bot Connector pacing, per conversation. */
  botRate: RatePacer;
  /** Graph message POSTs, per app per tenant (one key). */
  graphRate: RatePacer;
  /** Graph reads, per app (`app`) or per linked user (`user:<matrix id>`). */
  graphReads: RatePacer;
}
