import { expect } from 'vitest';
import { renderTable } from '../../../bench/lib/table.js';
import type { BridgedWorld } from '../../../bench/lib/world.js';
import type { BridgeApp } from '../../../src/app/bridge-app.js';
import pg from 'pg';
import { roomHistory, type StreamResult } from './stream.js';
import { KINDS } from './kinds.js';
import { addTallies, EMPTY_TALLY, type Tally } from './tally.js';

const row = (
  scenario: string,
  direction: string,
  t: Tally,
  upstream: number | string,
): Array<string | number> => [
  scenario,
  direction,
  t.sent,
  t.delivered,
  t.duplicated,
  t.lost,
  upstream,
  t.reordered,
];

/** Prints the scenario's counts (both directions, all rooms) as a table in the test output. */
export function printScenario(scenario: string, connector: string, r: StreamResult): void {
  const table = renderTable(
    [
      'scenario',
      'direction',
      'sent',
      'delivered',
      'duplicated',
      'lost',
      'of which upstream',
      'reordered',
    ],
    [
      row(scenario, `Matrix -> ${connector}`, r.toPlatform, r.lostUpstream ?? '-'),
      row(scenario, `${connector} -> Matrix`, r.toMatrix, '-'),
      ...kindRows(scenario, connector, r),
    ],
  );
  console.log(
    `\n[fault] ${scenario} (${connector}, ${r.rooms.length} rooms, ${(r.durationMs / 1000).toFixed(1)} s)\n${table}\n`,
  );
}

/** Per kind other than text (summed over rooms), when the stream carried them. */
function kindRows(
  scenario: string,
  connector: string,
  r: StreamResult,
): Array<Array<string | number>> {
  if (!r.rooms.every((room) => room.kinds)) return [];
  const rows: Array<Array<string | number>> = [];
  for (const kind of KINDS.filter((k) => k !== 'text')) {
    for (const side of ['toPlatform', 'toMatrix'] as const) {
      const sum = r.rooms.reduce((a, room) => addTallies(a, room.kinds![side][kind]), EMPTY_TALLY);
      const direction = side === 'toPlatform' ? `Matrix -> ${connector}` : `${connector} -> Matrix`;
      rows.push(row(scenario, `${direction} ${kind}s`, sum, '-'));
    }
  }
  return rows;
}

/**
 * Every message arrived exactly once and in order, in every room, both ways. Messages the
 * homeserver never handed to the bridge (`lostUpstream`, known only with a TransactionProxy)
 * are left out of the loss check; a scenario asserts on those itself.
 */
export function expectExactlyOnceInOrder(r: StreamResult): void {
  expect(r.faultErrors).toEqual([]);
  for (const room of r.rooms) {
    const upstream = new Set(room.lostUpstream);
    for (const [t, d, skip] of [
      [room.toPlatform, room.detail.toPlatform, upstream],
      [room.toMatrix, room.detail.toMatrix, new Set<string>()],
    ] as const) {
      const missing = d.missing.filter((m) => !skip.has(m));
      expect({
        room: room.roomId,
        ...t,
        lost: missing.length,
        missing,
        duplicates: d.duplicates,
        arrival: d.arrival,
      }).toEqual({
        room: room.roomId,
        missing: [],
        duplicates: [],
        arrival: undefined,
        sent: t.sent,
        delivered: t.sent - skip.size,
        duplicated: 0,
        lost: 0,
        reordered: 0,
      });
    }
    if (room.kinds) expectKinds(room.roomId, room.kinds);
  }
}

/** Edits, reactions, deletions and files: each exactly once, in order, both ways. */
function expectKinds(roomId: string, k: NonNullable<StreamResult['rooms'][number]['kinds']>) {
  for (const side of ['toPlatform', 'toMatrix'] as const) {
    for (const kind of KINDS.filter((x) => x !== 'text')) {
      const t = k[side][kind];
      expect({ roomId, side, kind, ...t, missing: k.missing[side][kind] }).toEqual({
        roomId,
        side,
        kind,
        sent: t.sent,
        delivered: t.sent,
        duplicated: 0,
        lost: 0,
        reordered: 0,
        missing: [],
      });
    }
  }
  expect(k.duplicates).toEqual([]);
}

/**
 * For a failed scenario: where each missing message got to (was it on its own side at all,
 * and what the bridge's dead-letter list says), so a loss can be told from a test problem.
 */
export async function explainLosses(
  world: BridgedWorld,
  r: StreamResult,
  bridge?: BridgeApp,
): Promise<string> {
  const lines: string[] = [];
  for (const [k, room] of r.rooms.entries()) {
    const portal = world.portals[k];
    if (!portal) continue;
    const { toPlatform, toMatrix } = room.detail;
    if (toPlatform.missing.length > 0) {
      const own = (await roomHistory(world, portal.roomId)).filter(
        (e) => e.sender === world.matrix.userId,
      );
      for (const m of toPlatform.missing) {
        const event = own.find((e) => e.content.body === m);
        const inbox = event ? await inboxRow(world, event.event_id) : undefined;
        lines.push(
          `room ${k}: ${m} not on the platform; Matrix event ${event?.event_id ?? 'none'}; bridge inbox: ${inbox ?? 'no row'}`,
        );
      }
    }
    if (toMatrix.missing.length > 0) {
      const onPlatform = await world.platform.userTexts(portal.channel);
      for (const m of toMatrix.missing)
        lines.push(`room ${k}: ${m} not in Matrix; on the platform: ${onPlatform.includes(m)}`);
    }
  }
  if (bridge) {
    for (const f of await bridge.stores.inbox.failures())
      lines.push(`dead letter #${f.id} ${f.source} ${f.eventKey}: ${f.error ?? ''}`);
  }
  return lines.join('\n');
}

/** The bridge's inbox row for an event (PostgreSQL-backed worlds only). */
async function inboxRow(world: BridgedWorld, eventKey: string): Promise<string | undefined> {
  const url = world.config.database.url;
  if (!url) return 'unknown (PGlite)';
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const res = await client.query(
      'SELECT id, status, attempts, last_error FROM inbox WHERE event_key = $1',
      [eventKey],
    );
    return res.rows.length > 0 ? JSON.stringify(res.rows) : undefined;
  } finally {
    await client.end();
  }
}
