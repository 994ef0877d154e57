const MAX_IN_MEMORY = 10_000;

export interface KnownMessage {
  editedAt?: number;
}

/**
 * What the connector last saw of each recent message: enough to tell a new message from an
 * edit when Rocket.Chat sends the whole message again. Reactions are compared with the core's
 * memory instead (`ReactionTracker`), which survives a restart.
 */
export class MessageStates {
  private readonly known = new Map<string, KnownMessage>();

  /** In memory only: seen since this process started. */
  recent(id: string): KnownMessage | undefined {
    return this.known.get(id);
  }

  remember(id: string, state: KnownMessage): void {
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
