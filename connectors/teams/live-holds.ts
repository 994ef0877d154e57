/**
 * The live activities of each conversation that are being handled and not recorded yet. A
 * catch-up read stops short of the oldest of them: what happened after it (its message's
 * deletion, say) must not be recorded before it.
 */
export class LiveHolds {
  private readonly held = new Map<string, Set<{ at: number }>>();

  /** A live activity of `channel` at `at` (ms) is being handled; call the result when done. */
  hold(channel: string, at: number): () => void {
    const entry = { at };
    const set = this.held.get(channel) ?? new Set();
    this.held.set(channel, set.add(entry));
    return () => {
      set.delete(entry);
      if (set.size === 0 && this.held.get(channel) === set) this.held.delete(channel);
    };
  }

  /** Where a read of `channel` must stop: just before its oldest held activity. */
  limit(channel: string): number {
    const set = this.held.get(channel);
    return set ? Math.min(...[...set].map((e) => e.at)) - 1 : Number.POSITIVE_INFINITY;
  }
}
