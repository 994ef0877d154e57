import { RocketChatApiError, type RocketChatApi } from './api.js';
import { toMs, type WireMessage } from './types.js';

const PAGE = 100;

export type Change =
  | { kind: 'updated'; time: number; message: WireMessage }
  | { kind: 'deleted'; time: number; id: string };

interface SyncResult {
  result?: {
    updated?: WireMessage[];
    deleted?: Array<{ _id?: string; _deletedAt?: string }>;
    cursor?: { next?: string | null };
  };
}

/**
 * Everything that changed in a room after `since` (ms), oldest first: chat.syncMessages paged
 * by cursor (`type=UPDATED|DELETED&next=<ms>`) to the end, however many pages (a bound would
 * let the deletions, read to the end, move the cursor past updates not read), or one
 * `lastUpdate` query on servers without cursor paging.
 */
export async function changesSince(
  api: RocketChatApi,
  rid: string,
  since: number,
): Promise<Change[]> {
  let changes: Change[];
  try {
    changes = [
      ...(await paged(api, rid, since, 'UPDATED')),
      ...(await paged(api, rid, since, 'DELETED')),
    ];
  } catch (err) {
    if (!(err instanceof RocketChatApiError) || err.status !== 400) throw err;
    changes = await byLastUpdate(api, rid, since);
  }
  // Updates before deletions at the same instant: a message edited then removed ends removed.
  return changes.sort(
    (a, b) => a.time - b.time || (a.kind === b.kind ? 0 : a.kind === 'updated' ? -1 : 1),
  );
}

async function paged(
  api: RocketChatApi,
  rid: string,
  since: number,
  type: 'UPDATED' | 'DELETED',
): Promise<Change[]> {
  const out: Change[] = [];
  let next: string | null | undefined = String(Math.max(0, Math.floor(since)));
  while (next) {
    const res: SyncResult = await api.get<SyncResult>('chat.syncMessages', {
      roomId: rid,
      type,
      next,
      count: PAGE,
    });
    out.push(...toChanges(res, type));
    next = res.result?.cursor?.next;
  }
  return out;
}

async function byLastUpdate(api: RocketChatApi, rid: string, since: number): Promise<Change[]> {
  const res = await api.get<SyncResult>('chat.syncMessages', {
    roomId: rid,
    lastUpdate: new Date(since).toISOString(),
  });
  return [...toChanges(res, 'UPDATED'), ...toChanges(res, 'DELETED')];
}

function toChanges(res: SyncResult, type: 'UPDATED' | 'DELETED'): Change[] {
  const out: Change[] = [];
  if (type === 'UPDATED') {
    for (const m of Array.isArray(res.result?.updated) ? res.result.updated : []) {
      const time = toMs(m?._updatedAt) ?? toMs(m?.ts);
      if (time !== undefined && typeof m._id === 'string')
        out.push({ kind: 'updated', time, message: m });
    }
  } else {
    for (const d of Array.isArray(res.result?.deleted) ? res.result.deleted : []) {
      const time = toMs(d?._deletedAt);
      if (time !== undefined && typeof d._id === 'string')
        out.push({ kind: 'deleted', time, id: d._id });
    }
  }
  return out;
}
