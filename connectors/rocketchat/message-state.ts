import type { ConnectorStorage } from '../../src/connector/index.js';
import type { ReactionState } from './reactions.js';

const MAX_IN_MEMORY = 10_000;

export interface KnownMessage {
  editedAt?: number;
  reactions: ReactionState;
}

/**
 * What the connector last saw of each recent message: enough to tell a new message from an
 * edit or a reaction change when Rocket.Chat sends the whole message again. Reaction maps are
 * also written to storage (only for messages that have had reactions), so a reaction removed
 * while the bridge was down is still noticed after a restart.
 */
export class MessageStates {
  private readonly known = new Map<string, KnownMessage>();

  constructor(
    private readonly workspace: string,
    private readonly storage: ConnectorStorage,
  ) {}

  private key(id: string): string {
    return `reactions:${this.workspace}:${id}`;
  }

  /** In memory only: seen since this process started. */
  recent(id: string): KnownMessage | undefined {
    return this.known.get(id);
  }

  /** Last reaction state, from memory or storage; empty when never seen with reactions. */
  async reactions(id: string): Promise<ReactionState> {
    const hit = this.known.get(id);
    if (hit) return hit.reactions;
    const stored = await this.storage.get(this.key(id));
    if (stored === undefined) return {};
    try {
      const parsed = JSON.parse(stored) as unknown;
      return typeof parsed === 'object' && parsed !== null ? (parsed as ReactionState) : {};
    } catch {
      return {};
    }
  }

  async remember(id: string, state: KnownMessage, reactionsChanged: boolean): Promise<void> {
    if (reactionsChanged) await this.storage.set(this.key(id), JSON.stringify(state.reactions));
    this.known.delete(id);
    this.known.set(id, state);
    if (this.known.size > MAX_IN_MEMORY) {
      const oldest = this.known.keys().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  forget(id: string): void {
    this.known.delete(id);
  }
}
