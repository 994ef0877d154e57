import type { SlackApi } from './api.js';
import { compareTs, isTs } from './ids.js';
import type { SlackMessage } from './types.js';

/** Bounds per channel and resync, so a long outage cannot stall the bridge for hours. */
const MAX_MESSAGES = 2000;
const MAX_THREADS = 50;
/** Known threads re-read on every resync (for replies and reactions), most recent first. */
const MAX_KNOWN_THREADS = 10;
const MAX_THREAD_PAGES = 5;
const PAGE = 200;

export interface ChannelScan {
  /** Every message read, oldest first: the missed ones and the recent ones around them. */
  messages: SlackMessage[];
  /** More messages were missed than one resync replays. */
  truncated: boolean;
}

type Page = { messages?: unknown; has_more?: unknown; response_metadata?: unknown };

function nextCursor(page: Page): string | undefined {
  if (!page.has_more) return undefined;
  const c = (page.response_metadata as { next_cursor?: string } | undefined)?.next_cursor;
  return c ? c : undefined;
}

/**
 * Reads a channel after a gap: every top-level message newer than `since` (all pages), at
 * least the newest page back to `floor` (to see reactions changed on recent messages), and
 * the replies of threads that are known to be active or show replies after `since`.
 */
export async function scanChannel(
  api: SlackApi,
  channel: string,
  since: string,
  floor: string,
  activeThreads: string[],
): Promise<ChannelScan> {
  const byTs = new Map<string, SlackMessage>();
  const oldest = compareTs(since, floor) < 0 ? since : floor;
  let truncated = false;
  let cursor: string | undefined;
  for (;;) {
    const page = (await api.read('conversations.history', {
      channel,
      oldest,
      limit: PAGE,
      ...(cursor ? { cursor } : {}),
    })) as Page;
    const list = (Array.isArray(page.messages) ? page.messages : []) as SlackMessage[];
    for (const m of list) if (isTs(m?.ts)) byTs.set(m.ts, m);
    cursor = nextCursor(page);
    const reachedSince = list.some((m) => isTs(m?.ts) && compareTs(m.ts, since) <= 0);
    if (!cursor || reachedSince) break;
    if (byTs.size >= MAX_MESSAGES) {
      truncated = true;
      break;
    }
  }

  const roots = new Set(activeThreads.slice(0, MAX_KNOWN_THREADS));
  for (const m of byTs.values()) {
    if ((m.reply_count ?? 0) > 0 && isTs(m.latest_reply) && compareTs(m.latest_reply, since) > 0) {
      roots.add(m.ts);
    }
  }
  for (const root of [...roots].slice(0, MAX_THREADS)) {
    let replyCursor: string | undefined;
    for (let n = 0; n < MAX_THREAD_PAGES; n++) {
      const page = (await api
        .read('conversations.replies', {
          channel,
          ts: root,
          limit: PAGE,
          ...(replyCursor ? { cursor: replyCursor } : {}),
        })
        .catch(() => undefined)) as Page | undefined;
      if (!page) break;
      for (const m of (Array.isArray(page.messages) ? page.messages : []) as SlackMessage[]) {
        if (isTs(m?.ts) && m.ts !== root) byTs.set(m.ts, m);
      }
      replyCursor = nextCursor(page);
      if (!replyCursor) break;
    }
  }
  return { messages: [...byTs.values()].sort((a, b) => compareTs(a.ts, b.ts)), truncated };
}
