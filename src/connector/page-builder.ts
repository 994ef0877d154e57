import type { MessagesPage } from './catch-up-types.js';
import type { RemoteEvent } from './events.js';

/**
 * Collects one catch-up page: the events of each message read, and the bookkeeping each
 * brings (a reaction snapshot, say) that may run only once the core has recorded the page,
 * in the order the messages were read.
 */
export class PageBuilder {
  readonly events: RemoteEvent[] = [];
  private readonly commits: Array<() => Promise<void>> = [];

  add(events: readonly RemoteEvent[], commit?: () => Promise<void>): void {
    this.events.push(...events);
    if (commit) this.commits.push(commit);
  }

  /** The page; `afterRecorded` runs once every commit is done (still before the cursor moves). */
  page(nextCursor: string, hasMore: boolean, afterRecorded?: () => void): MessagesPage {
    const commits = [...this.commits];
    return {
      events: [...this.events],
      nextCursor,
      hasMore,
      recorded: async () => {
        for (const commit of commits) await commit();
        afterRecorded?.();
      },
    };
  }
}

/** The link of `channel` in `workspace` among a connector's linked channels, if it is linked. */
export function findLink<L extends { workspace: string; channel: string }>(
  links: readonly L[],
  workspace: string,
  channel: string,
): L | undefined {
  return links.find((l) => l.workspace === workspace && l.channel === channel);
}
