/**
 * P0: the bridge's own capacity, against the homeserver stub (which answers at once, so the
 * homeserver is never the bottleneck): messages per CPU-second of the bridge process in each
 * direction, how fast appservice transactions are acknowledged with 1, 10 and 100 portals
 * in each, and the resident memory when idle. CPU is read from /proc for the bridge's pid.
 */
import { cpuMs } from './lib/cpu.js';
import type { StubWorld } from './lib/stub-world.js';
import { readFileSync } from 'node:fs';

export interface DirectionRun {
  messages: number;
  /** Messages per second of the bridge's CPU time (user + system). */
  perCpuSecond: number;
  /** Messages per wall-clock second, first send to last arrival. */
  perSecond: number;
  missing: number;
}

export interface IntakeRun {
  portalsPerTransaction: number;
  events: number;
  /** Events per second of acknowledgement time (transactions pushed back to back). */
  eventsPerSecond: number;
}

const POLL_MS = 250;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Texts the bridge posted with `prefix`, over the channels, until `count` or `timeoutMs`. */
async function platformArrivals(
  w: StubWorld,
  channels: string[],
  prefix: string,
  count: number,
  timeoutMs: number,
): Promise<{ seen: number; at: number }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const texts = await Promise.all(channels.map((c) => w.platform.bridgedTexts(c)));
    const seen = new Set(texts.flat().filter((t) => t.startsWith(prefix))).size;
    if (seen >= count || Date.now() > deadline) return { seen, at: performance.now() };
    await sleep(POLL_MS);
  }
}

/** Bodies for `count` events, round-robin over `rooms`, in transactions of `size`. */
function batches(w: StubWorld, rooms: number, prefix: string, count: number, size: number) {
  const events = Array.from({ length: count }, (_, i) => ({
    roomId: w.portals[i % rooms]!.roomId,
    body: `${prefix}${i}`,
  }));
  const out: (typeof events)[] = [];
  for (let i = 0; i < events.length; i += size) out.push(events.slice(i, i + size));
  return out;
}

/** Matrix -> platform: transactions of 50 events pushed one after another, as Synapse does. */
export async function toPlatformRun(
  w: StubWorld,
  run: number,
  rooms: number,
  count: number,
): Promise<DirectionRun> {
  const prefix = `p0mx-${run}-`;
  const pid = w.bridge.pid ?? -1;
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  for (const txn of batches(w, rooms, prefix, count, 50)) await w.pushTransaction(txn);
  const channels = w.portals.slice(0, rooms).map((p) => p.channel);
  const { seen, at } = await platformArrivals(w, channels, prefix, count, 60_000 + count * 50);
  const cpu = cpuMs(pid) - cpu0;
  return {
    messages: count,
    perCpuSecond: seen / (cpu / 1000),
    perSecond: seen / ((at - t0) / 1000),
    missing: count - seen,
  };
}

/** Platform -> Matrix: one sequential poster per room, as P1 does. */
export async function toMatrixRun(
  w: StubWorld,
  run: number,
  rooms: number,
  count: number,
): Promise<DirectionRun> {
  const prefix = `p0pl-${run}-`;
  const pid = w.bridge.pid ?? -1;
  const cpu0 = cpuMs(pid);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: rooms }, async (_, r) => {
      for (let i = r; i < count; i += rooms)
        await w.platform.post(w.portals[r]!.channel, `${prefix}${i}`);
    }),
  );
  const match = (s: { body: string }): boolean => s.body.startsWith(prefix);
  await w.stub.waitForSends(match, count, 60_000 + count * 50).catch(() => undefined);
  const cpu = cpuMs(pid) - cpu0;
  const seen = new Set(w.stub.sends.filter(match).map((s) => s.body)).size;
  return {
    messages: count,
    perCpuSecond: seen / (cpu / 1000),
    perSecond: seen / ((performance.now() - t0) / 1000),
    missing: count - seen,
  };
}

/**
 * `transactions` transactions of 100 events over the first `portals` portals, pushed back to
 * back; the rate counts acknowledgement time only. Then waits until every event was delivered,
 * so the next measurement starts on an idle bridge.
 */
export async function intakeRun(
  w: StubWorld,
  run: number,
  portals: number,
  transactions: number,
): Promise<IntakeRun> {
  const prefix = `p0in-${run}-${portals}-`;
  const events = transactions * 100;
  let ackMs = 0;
  for (const txn of batches(w, portals, prefix, events, 100)) ackMs += await w.pushTransaction(txn);
  const channels = w.portals.slice(0, portals).map((p) => p.channel);
  const { seen } = await platformArrivals(w, channels, prefix, events, 120_000 + events * 50);
  if (seen < events) throw new Error(`intake: ${events - seen} of ${events} events never crossed`);
  return { portalsPerTransaction: portals, events, eventsPerSecond: events / (ackMs / 1000) };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/**
 * Resident memory once the bridge is idle: when its CPU time grew by under 10 ms in one
 * second (or after 30 s, reported as measured then).
 */
export async function idleRssMb(w: StubWorld): Promise<number> {
  const pid = w.bridge.pid ?? -1;
  for (let i = 0; i < 30; i++) {
    const before = cpuMs(pid);
    await sleep(1000);
    if (cpuMs(pid) - before < 10) break;
  }
  return rssMb(pid);
}
