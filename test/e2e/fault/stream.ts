/**
 * The fault scenarios' traffic: every portal gets a numbered stream of messages from its
 * Matrix user and from its platform user at the same time, faults fire when the stream
 * reaches given positions, and at the end both sides are read back (the Matrix room through
 * the client-server API, the channel through the platform's API) and tallied per room.
 */
import type { BridgedWorld } from '../../../bench/lib/world.js';
import type { MatrixEvent } from '../../harness/matrix-client.js';
import { addTallies, EMPTY_TALLY, tallyWithDetail, type Tally, type TallyDetail } from './tally.js';

export interface FaultStep {
  /**
   * Fires (once, in the background) when the first sender reaches this message index, or
   * when the previous step has finished if that is later: steps never overlap.
   */
  at: number;
  /** Whose progress counts: any sender (default), or only the Matrix or platform senders. */
  by?: 'matrix' | 'platform';
  name: string;
  run(): Promise<void>;
}

export interface StreamOptions {
  /** Lowercase letters: part of every message text, so scenarios never mix. */
  tag: string;
  perRoom: number;
  intervalMs: number;
  faults: FaultStep[];
  /** How long to wait for everything to arrive after the last send. */
  deliveryTimeoutMs?: number;
  /** Extra wait after everything arrived, so late duplicates show up in the count. */
  settleMs?: number;
  /**
   * Whether the homeserver ever handed the bridge this Matrix event (known when a
   * TransactionProxy sits in between). Messages it never handed over are counted apart, as
   * lost upstream of the bridge.
   */
  reachedBridge?: (eventId: string) => boolean;
}

export interface StreamResult {
  /** Matrix messages the homeserver never handed to the bridge (unknown without reachedBridge). */
  lostUpstream: number | undefined;
  toPlatform: Tally;
  toMatrix: Tally;
  rooms: Array<{
    roomId: string;
    toPlatform: Tally;
    toMatrix: Tally;
    /** Which texts are missing or repeated on each side. */
    detail: { toPlatform: TallyDetail; toMatrix: TallyDetail };
    /** Missing on the platform because the homeserver never delivered them to the bridge. */
    lostUpstream: string[];
  }>;
  durationMs: number;
  /** Fault steps that threw (the scenario itself is then broken, not the bridge). */
  faultErrors: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const text = (tag: string, dir: 'mx' | 'pf', room: number, i: number): string =>
  `${tag}-${dir}-r${room}-${i}`;

/**
 * Sends as the Matrix user with a fixed transaction id, retrying while the homeserver is
 * away (as Matrix clients do); returns the event id.
 */
async function sendMatrix(
  world: BridgedWorld,
  roomId: string,
  body: string,
  txn: string,
): Promise<string> {
  const path = `/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/m.room.message/${encodeURIComponent(txn)}`;
  const deadline = Date.now() + 120_000;
  for (let attempt = 1; ; attempt++) {
    try {
      const res = await world.matrix.raw('PUT', path, { msgtype: 'm.text', body });
      if (res.ok) return ((await res.json()) as { event_id: string }).event_id;
      await res.text();
      if (res.status < 500 && res.status !== 429) throw new Error(`send answered ${res.status}`);
    } catch (err) {
      if (err instanceof Error && err.message.startsWith('send answered')) throw err;
    }
    if (Date.now() > deadline) throw new Error(`could not send ${body} to Matrix for 120 s`);
    await sleep(Math.min(1000, 100 * attempt));
  }
}

/** Every event of a room, oldest first. */
export async function roomHistory(world: BridgedWorld, roomId: string): Promise<MatrixEvent[]> {
  const events: MatrixEvent[] = [];
  let from: string | undefined;
  for (let page = 0; page < 100; page++) {
    const res = await world.matrix.messages(roomId, { dir: 'b', limit: 100, from });
    events.push(...res.chunk);
    if (!res.end || res.chunk.length === 0) break;
    from = res.end;
  }
  return events.reverse();
}

/** Texts the platform user's ghost posted in a room, oldest first (a Matrix client's view). */
export async function ghostTexts(world: BridgedWorld, roomId: string): Promise<string[]> {
  return (await roomHistory(world, roomId))
    .filter((e) => e.sender === world.ghost && e.type === 'm.room.message')
    .map((e) => String(e.content.body ?? '').trim());
}

async function platformTexts(world: BridgedWorld, channel: string): Promise<string[]> {
  return (await world.platform.bridgedTexts(channel)).map((t) => t.trim());
}

/** One message each way per portal, waited for: the bridge is up and every portal works. */
export async function warmUp(world: BridgedWorld, tag: string, timeoutMs = 60_000): Promise<void> {
  await Promise.all(
    world.portals.map(async (p, k) => {
      const mx = `${tag}-warmup-mx-r${k}`;
      const pf = `${tag}-warmup-pf-r${k}`;
      await sendMatrix(world, p.roomId, mx, `${tag}-warmup-${k}`);
      await world.platform.post(p.channel, pf);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const [onPlatform, onMatrix] = await Promise.all([
          platformTexts(world, p.channel),
          ghostTexts(world, p.roomId),
        ]);
        if (onPlatform.includes(mx) && onMatrix.includes(pf)) return;
        if (Date.now() > deadline) {
          throw new Error(
            `warm-up in room ${k} did not cross in ${timeoutMs} ms (platform has ${JSON.stringify(onPlatform)}, Matrix has ${JSON.stringify(onMatrix)})`,
          );
        }
        await sleep(250);
      }
    }),
  );
}

export async function streamBothWays(world: BridgedWorld, o: StreamOptions): Promise<StreamResult> {
  const started = Date.now();
  const fired = new Set<FaultStep>();
  let chain: Promise<void> = Promise.resolve();
  const faultErrors: string[] = [];
  const reached = (i: number, who: 'matrix' | 'platform'): void => {
    for (const f of o.faults) {
      if (f.at !== i || fired.has(f) || (f.by && f.by !== who)) continue;
      fired.add(f);
      chain = chain.then(() =>
        f.run().catch((err: unknown) => {
          faultErrors.push(`${f.name}: ${err instanceof Error ? err.message : String(err)}`);
        }),
      );
    }
  };

  const eventIds = new Map<string, string>();
  const senders = world.portals.flatMap((p, k) => [
    (async () => {
      for (let i = 0; i < o.perRoom; i++) {
        reached(i, 'matrix');
        const body = text(o.tag, 'mx', k, i);
        eventIds.set(body, await sendMatrix(world, p.roomId, body, `${o.tag}-${k}-${i}`));
        await sleep(o.intervalMs);
      }
    })(),
    (async () => {
      for (let i = 0; i < o.perRoom; i++) {
        reached(i, 'platform');
        await world.platform.post(p.channel, text(o.tag, 'pf', k, i));
        await sleep(o.intervalMs);
      }
    })(),
  ]);
  await Promise.all(senders);
  await chain;

  const expected = (dir: 'mx' | 'pf', k: number): string[] =>
    Array.from({ length: o.perRoom }, (_, i) => text(o.tag, dir, k, i));
  const read = async (): Promise<StreamResult['rooms']> =>
    Promise.all(
      world.portals.map(async (p, k) => {
        const toPlatform = tallyWithDetail(
          expected('mx', k),
          await platformTexts(world, p.channel),
        );
        const toMatrix = tallyWithDetail(expected('pf', k), await ghostTexts(world, p.roomId));
        const reachedBridge = o.reachedBridge;
        const lostUpstream = reachedBridge
          ? toPlatform.detail.missing.filter((m) => !reachedBridge(eventIds.get(m) ?? ''))
          : [];
        return {
          roomId: p.roomId,
          toPlatform: toPlatform.tally,
          toMatrix: toMatrix.tally,
          detail: { toPlatform: toPlatform.detail, toMatrix: toMatrix.detail },
          lostUpstream,
        };
      }),
    );

  const deadline = Date.now() + (o.deliveryTimeoutMs ?? 60_000);
  const waiting = (r: StreamResult['rooms'][number]): boolean =>
    r.toPlatform.lost > r.lostUpstream.length || r.toMatrix.lost > 0;
  let rooms = await read();
  while (rooms.some(waiting) && Date.now() < deadline) {
    await sleep(500);
    rooms = await read();
  }
  await sleep(o.settleMs ?? 1500);
  rooms = await read();
  return {
    lostUpstream: o.reachedBridge
      ? rooms.reduce((n, r) => n + r.lostUpstream.length, 0)
      : undefined,
    toPlatform: rooms.reduce((a, r) => addTallies(a, r.toPlatform), EMPTY_TALLY),
    toMatrix: rooms.reduce((a, r) => addTallies(a, r.toMatrix), EMPTY_TALLY),
    rooms,
    durationMs: Date.now() - started,
    faultErrors,
  };
}
