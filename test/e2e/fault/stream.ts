/**
 * The fault scenarios' traffic: every portal gets a numbered stream of messages from its
 * Matrix user and from its platform user at the same time (with edits, reactions, deletions
 * and files among them where the platform's adapter supports those: see kinds.ts), faults
 * fire when the stream reaches given positions, and at the end both sides are read back (the
 * Matrix room through the client-server API, the channel through the platform's API) and
 * tallied per room and kind.
 */
import type { BridgedWorld } from '../../../bench/lib/world.js';
import type { MatrixEvent } from '../../harness/matrix-client.js';
import { actsAfter, expected, tallyKinds, type KindMissing, type KindTallies } from './kinds.js';
import { edited, fileName, text } from './kinds.js';
import { ghostView, redactMatrixEvent, sendMatrixEvent, uploadMatrixFile } from './matrix-side.js';
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
  /**
   * Whether the homeserver ever handed the bridge this Matrix event (known when a
   * TransactionProxy sits in between). Messages it never handed over are counted apart, as
   * lost upstream of the bridge.
   */
  reachedBridge?: (eventId: string) => boolean;
  /**
   * Edits, reactions, deletions and files as well as text (default: when the platform's
   * adapter supports them).
   */
  kinds?: boolean;
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
    /** Per kind (text included), when the stream carried more than text. */
    kinds?: {
      toPlatform: KindTallies;
      toMatrix: KindTallies;
      missing: { toPlatform: KindMissing; toMatrix: KindMissing };
      duplicates: string[];
    };
  }>;
  durationMs: number;
  /** Fault steps that threw (the scenario itself is then broken, not the bridge). */
  faultErrors: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

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
  return sendMatrixEvent(world, roomId, 'm.room.message', { msgtype: 'm.text', body }, txn);
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
export async function warmUp(world: BridgedWorld, tag: string, timeoutMs = 120_000): Promise<void> {
  await crossOnceEachWay(world, `${tag}-warmup`, timeoutMs);
}

/**
 * Sends `${label}-mx-r<k>` and `${label}-pf-r<k>` in every portal and waits until both have
 * crossed. Used as a positive marker too: each portal's path is ordered, so once the marker
 * is through, anything sent before it (a late duplicate included) is through as well.
 */
async function crossOnceEachWay(
  world: BridgedWorld,
  label: string,
  timeoutMs: number,
): Promise<void> {
  await Promise.all(
    world.portals.map(async (p, k) => {
      const mx = `${label}-mx-r${k}`;
      const pf = `${label}-pf-r${k}`;
      await sendMatrix(world, p.roomId, mx, `${label}-${k}`);
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
            `${label} in room ${k} did not cross in ${timeoutMs} ms (platform has ${JSON.stringify(onPlatform)}, Matrix has ${JSON.stringify(onMatrix)})`,
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

  const activity = o.kinds === false ? undefined : world.platform.activity;
  const withKinds = activity !== undefined;
  const matrixReactions = activity?.matrixReactions !== false;
  const eventIds = new Map<string, string>();
  const senders = world.portals.flatMap((p, k) => [
    (async () => {
      const ids: string[] = [];
      for (let i = 0; i < o.perRoom; i++) {
        reached(i, 'matrix');
        const body = text(o.tag, 'mx', k, i);
        const id = await sendMatrix(world, p.roomId, body, `${o.tag}-${k}-${i}`);
        ids[i] = id;
        eventIds.set(body, id);
        if (withKinds && actsAfter(i)) {
          await matrixKinds(world, o.tag, p.roomId, k, i, ids, matrixReactions);
        }
        await sleep(o.intervalMs);
      }
    })(),
    (async () => {
      const ids: string[] = [];
      for (let i = 0; i < o.perRoom; i++) {
        reached(i, 'platform');
        const body = text(o.tag, 'pf', k, i);
        if (!activity) await world.platform.post(p.channel, body);
        else {
          ids[i] = await activity.postId(p.channel, body);
          if (actsAfter(i)) await platformKinds(activity, o.tag, p.channel, k, i, ids);
        }
        await sleep(o.intervalMs);
      }
    })(),
  ]);
  await Promise.all(senders);
  await chain;

  const read = async (): Promise<StreamResult['rooms']> =>
    Promise.all(
      world.portals.map(async (p, k) => {
        const mx = expected(o.tag, 'mx', k, o.perRoom, withKinds, matrixReactions);
        const pf = expected(o.tag, 'pf', k, o.perRoom, withKinds);
        const kinds = activity
          ? {
              toPlatform: tallyKinds(mx, { posts: await activity.bridgedPosts(p.channel) }),
              toMatrix: tallyKinds(pf, ghostView(await roomHistory(world, p.roomId), world.ghost)),
            }
          : undefined;
        const toPlatform = tallyWithDetail(
          mx.texts,
          kinds ? [] : await platformTexts(world, p.channel),
        );
        const toMatrix = tallyWithDetail(pf.texts, kinds ? [] : await ghostTexts(world, p.roomId));
        const textsTo = (
          side: 'toPlatform' | 'toMatrix',
          plain: ReturnType<typeof tallyWithDetail>,
        ) =>
          kinds
            ? {
                tally: kinds[side].tallies.text,
                detail: {
                  missing: kinds[side].missing.text,
                  duplicates: kinds[side].duplicates,
                  arrival: kinds[side].arrival,
                },
              }
            : plain;
        const tp = textsTo('toPlatform', toPlatform);
        const tm = textsTo('toMatrix', toMatrix);
        const reachedBridge = o.reachedBridge;
        const lostUpstream = reachedBridge
          ? tp.detail.missing.filter((m) => !reachedBridge(eventIds.get(m) ?? ''))
          : [];
        return {
          roomId: p.roomId,
          toPlatform: tp.tally,
          toMatrix: tm.tally,
          detail: { toPlatform: tp.detail, toMatrix: tm.detail },
          lostUpstream,
          ...(kinds
            ? {
                kinds: {
                  toPlatform: kinds.toPlatform.tallies,
                  toMatrix: kinds.toMatrix.tallies,
                  missing: {
                    toPlatform: kinds.toPlatform.missing,
                    toMatrix: kinds.toMatrix.missing,
                  },
                  duplicates: [...kinds.toPlatform.duplicates, ...kinds.toMatrix.duplicates],
                },
              }
            : {}),
        };
      }),
    );

  const deadline = Date.now() + (o.deliveryTimeoutMs ?? 120_000);
  const waiting = (r: StreamResult['rooms'][number]): boolean =>
    r.toPlatform.lost > r.lostUpstream.length ||
    r.toMatrix.lost > 0 ||
    Object.values(r.kinds?.toPlatform ?? {}).some((t) => t.lost > 0) ||
    Object.values(r.kinds?.toMatrix ?? {}).some((t) => t.lost > 0);
  let rooms = await read();
  while (rooms.some(waiting) && Date.now() < deadline) {
    await sleep(500);
    rooms = await read();
  }
  // Duplicates show up before a later marker on the same ordered path: no fixed settle.
  await crossOnceEachWay(world, `${o.tag}-closing`, o.deliveryTimeoutMs ?? 120_000);
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

/** After Matrix message i: edit i-4, react to i-3 (where it can cross), redact i-2, send a file. */
async function matrixKinds(
  world: BridgedWorld,
  tag: string,
  roomId: string,
  k: number,
  i: number,
  ids: string[],
  react: boolean,
): Promise<void> {
  const txn = (what: string): string => `${tag}-${k}-${i}-${what}`;
  const newBody = edited(text(tag, 'mx', k, i - 4));
  await sendMatrixEvent(
    world,
    roomId,
    'm.room.message',
    {
      msgtype: 'm.text',
      body: `* ${newBody}`,
      'm.new_content': { msgtype: 'm.text', body: newBody },
      'm.relates_to': { rel_type: 'm.replace', event_id: ids[i - 4] },
    },
    txn('edit'),
  );
  if (react) {
    await sendMatrixEvent(
      world,
      roomId,
      'm.reaction',
      { 'm.relates_to': { rel_type: 'm.annotation', event_id: ids[i - 3], key: '👍' } },
      txn('react'),
    );
  }
  await redactMatrixEvent(world, roomId, ids[i - 2] as string, txn('redact'));
  const name = fileName(tag, 'mx', k, i);
  const url = await uploadMatrixFile(world, name);
  await sendMatrixEvent(
    world,
    roomId,
    'm.room.message',
    { msgtype: 'm.file', body: name, url, info: { mimetype: 'text/plain' } },
    txn('file'),
  );
}

/** After platform message i: the same, as the platform user. */
async function platformKinds(
  activity: NonNullable<BridgedWorld['platform']['activity']>,
  tag: string,
  channel: string,
  k: number,
  i: number,
  ids: string[],
): Promise<void> {
  await activity.edit(channel, ids[i - 4] as string, edited(text(tag, 'pf', k, i - 4)));
  await activity.react(channel, ids[i - 3] as string);
  await activity.remove(channel, ids[i - 2] as string);
  await activity.upload(channel, fileName(tag, 'pf', k, i));
}
