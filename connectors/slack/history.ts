import { isTransient } from '../../src/connector/index.js';
import type { SlackApi } from './api.js';
import { compareTs, isTs } from './ids.js';
import type { SlackMessage } from './types.js';

/** Known threads re-read on every catch-up (for replies and reactions), most recent first. */
const MAX_KNOWN_THREADS = 10;
const PAGE = 200;

export interface ChannelScan {
  /** Every message read, oldest first: the missed ones and the recent ones around them. */
  messages: SlackMessage[];
}

type Page = { messages?: unknown; has_more?: unknown; response_metadata?: unknown };

function nextCursor(page: Page): string | undefined {
  if (!page.has_more) return undefined;
  const c = (page.response_metadata as { next_cursor?: string } | undefined)?.next_cursor;
  return c ? c : undefined;
}

/**
 * Reads a channel after a gap: every top-level message newer than `since` (all pages, no
 * bound: whatever was missed is replayed), at least the newest page back to `floor` (to see
 * reactions changed on recent messages), and the replies of threads that are known to be
 * active or show replies after `since`. Any failed read fails the scan (the caller retries
 * it), so no reply is silently left out.
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
  }

  const roots = new Set(activeThreads.slice(0, MAX_KNOWN_THREADS));
  for (const m of byTs.values()) {
    if ((m.reply_count ?? 0) > 0 && isTs(m.latest_reply) && compareTs(m.latest_reply, since) > 0) {
      roots.add(m.ts);
    }
  }
  for (const root of roots) {
    for (const m of await threadReplies(api, channel, root)) byTs.set(m.ts, m);
  }
  return { messages: [...byTs.values()].sort((a, b) => compareTs(a.ts, b.ts)) };
}

/**
 * Every reply of a thread. A transient failure is thrown (the scan is retried); a thread
 * Slack refuses for good (deleted since, say) has nothing left to replay.
 */
async function threadReplies(
  api: SlackApi,
  channel: string,
  root: string,
): Promise<SlackMessage[]> {
  const out: SlackMessage[] = [];
  let cursor: string | undefined;
  do {
    let page: Page;
    try {
      page = (await api.read('conversations.replies', {
        channel,
        ts: root,
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      })) as Page;
    } catch (err) {
      if (isTransient(err)) throw err;
      return out;
    }
    for (const m of (Array.isArray(page.messages) ? page.messages : []) as SlackMessage[]) {
      if (isTs(m?.ts) && m.ts !== root) out.push(m);
    }
    cursor = nextCursor(page);
  } while (cursor);
  return out;
}
