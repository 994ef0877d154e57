/**
 * Conversation references: what the bridge learns from activities and needs later to send
 * proactively (the serviceUrl) and to use Graph (the team's id, the chat's kind and name).
 * Kept in memory and written through to the connector storage when they change.
 */
import { BoundedMap, type ConnectorStorage } from '../../src/connector/index.js';
import type { ConversationKind } from './ids.js';

export interface ConversationRef {
  serviceUrl: string;
  kind: ConversationKind;
  /** The team's AAD group id (channels). */
  teamId?: string;
  /** Channel or chat name, when the activity named it. */
  name?: string;
  /** Personal chats: the user's AAD id and name. */
  userId?: string;
  userName?: string;
}

const MAX_REFS = 20_000;

export class ConversationRefs {
  private readonly refs = new BoundedMap<string, ConversationRef>(MAX_REFS);

  constructor(
    private readonly workspace: string,
    private readonly storage: ConnectorStorage,
  ) {}

  private key(channel: string): string {
    return `ref:${this.workspace}:${channel}`;
  }

  async get(channel: string): Promise<ConversationRef | undefined> {
    const hit = this.refs.get(channel);
    if (hit) return hit;
    const raw = await this.storage.get(this.key(channel));
    if (!raw) return undefined;
    try {
      const ref = JSON.parse(raw) as ConversationRef;
      this.refs.set(channel, ref);
      return ref;
    } catch {
      return undefined;
    }
  }

  /** Merges what an activity tells about a conversation; writes only when something changed. */
  async remember(channel: string, update: ConversationRef): Promise<void> {
    const old = await this.get(channel);
    const next: ConversationRef = {
      ...old,
      ...Object.fromEntries(Object.entries(update).filter(([, v]) => v !== undefined)),
    } as ConversationRef;
    if (old && JSON.stringify(old) === JSON.stringify(next)) return;
    this.refs.set(channel, next);
    await this.storage.set(this.key(channel), JSON.stringify(next));
  }

  /** Conversations seen since start (chats cannot be listed through Graph app-only). */
  known(): Array<[string, ConversationRef]> {
    return [...this.refs.entries()];
  }
}
