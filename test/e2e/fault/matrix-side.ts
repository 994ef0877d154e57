/**
 * The Matrix user's side of the fault streams: sends with fixed transaction ids, retried
 * while the homeserver is away (as Matrix clients do), and a Matrix client's view of what
 * the platform user's ghost posted (edits applied, redacted events gone).
 */
import type { BridgedWorld } from '../../../bench/lib/world.js';
import type { MatrixEvent } from '../../harness/matrix-client.js';
import type { Received } from './kinds.js';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const enc = encodeURIComponent;

/** A PUT that a retry cannot double (fixed transaction id); returns the answer's JSON. */
async function put(world: BridgedWorld, path: string, body: unknown, what: string) {
  const deadline = Date.now() + 120_000;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await world.matrix.raw('PUT', path, body);
      if (res.ok) return (await res.json()) as { event_id: string };
      await res.text();
      if (res.status < 500 && res.status !== 429) throw new Error(`${what} answered ${res.status}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith(`${what} answered`)) throw err;
    }
    if (Date.now() > deadline) throw new Error(`could not ${what} in Matrix for 120 s`);
    await sleep(Math.min(1000, 100 * attempt));
  }
}

/** Sends an event as the Matrix user; returns its event id. */
export async function sendMatrixEvent(
  world: BridgedWorld,
  roomId: string,
  type: string,
  content: Record<string, unknown>,
  txn: string,
): Promise<string> {
  const path = `/_matrix/client/v3/rooms/${enc(roomId)}/send/${enc(type)}/${enc(txn)}`;
  return (await put(world, path, content, `send ${type}`)).event_id;
}

export async function redactMatrixEvent(
  world: BridgedWorld,
  roomId: string,
  eventId: string,
  txn: string,
): Promise<void> {
  const path = `/_matrix/client/v3/rooms/${enc(roomId)}/redact/${enc(eventId)}/${enc(txn)}`;
  await put(world, path, {}, 'redact');
}

/** Uploads a small text file (retried; a repeated upload only leaves an unused copy). */
export async function uploadMatrixFile(world: BridgedWorld, name: string): Promise<string> {
  const bytes = new TextEncoder().encode(`file ${name}`);
  for (let attempt = 1; ; attempt++) {
    try {
      return await world.matrix.uploadMedia(bytes, 'text/plain', name);
    } catch (err) {
      if (attempt >= 120) throw err;
      await sleep(Math.min(1000, 100 * attempt));
    }
  }
}

const relation = (e: MatrixEvent): { rel_type?: string; event_id?: string; key?: string } =>
  (e.content['m.relates_to'] as { rel_type?: string; event_id?: string } | undefined) ?? {};

/** What the ghost of the platform user posted, as a Matrix client shows it now. */
export function ghostView(history: MatrixEvent[], ghost: string): Received {
  const own = history.filter((e) => e.sender === ghost);
  const latestEdit = new Map<string, string>();
  const reactions = new Map<string, number>();
  for (const e of own) {
    const rel = relation(e);
    if (e.type === 'm.room.message' && rel.rel_type === 'm.replace' && rel.event_id) {
      const next = e.content['m.new_content'] as { body?: unknown } | undefined;
      if (typeof next?.body === 'string') latestEdit.set(rel.event_id, next.body);
    }
    if (e.type === 'm.reaction' && rel.event_id)
      reactions.set(rel.event_id, (reactions.get(rel.event_id) ?? 0) + 1);
  }
  const posts: Received['posts'] = [];
  for (const e of own) {
    if (e.type !== 'm.room.message' || relation(e).rel_type === 'm.replace') continue;
    if (typeof e.content.body !== 'string') continue; // redacted
    const isFile = e.content.msgtype === 'm.file' || e.content.msgtype === 'm.image';
    posts.push({
      text: isFile ? '' : (latestEdit.get(e.event_id) ?? e.content.body),
      reactions: reactions.get(e.event_id) ?? 0,
      files: isFile ? [e.content.body] : [],
    });
  }
  return { posts };
}
