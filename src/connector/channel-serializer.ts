/**
 * One write at a time per channel, in the order asked: a later send never overtakes an earlier
 * one, even when the earlier one waits for the rate pacer or fails. A failure is handed to its
 * own caller only; the next write still runs.
 */
export class ChannelSerializer {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** Runs `op` after everything queued before it for `channel`. */
  run<T>(channel: string, op: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(channel) ?? Promise.resolve();
    const next = previous.then(op);
    const tail = next.catch(() => undefined);
    this.tails.set(channel, tail);
    // Forget an idle channel, so the map holds only channels with writes in flight.
    void tail.then(() => {
      if (this.tails.get(channel) === tail) this.tails.delete(channel);
    });
    return next;
  }

  /** Channels with writes queued or running. */
  get busyChannels(): number {
    return this.tails.size;
  }
}
