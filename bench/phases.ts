/** The benchmark's two phases: P1-P3 on one bridged world, P4 on a seeded database. */
import { join } from 'node:path';
import { startPostgres, type PostgresHandle } from '../test/harness/postgres.js';
import type { PlatformAdapter } from './adapters/index.js';
import { startBenchWorld, type Homeserver } from './env.js';
import { newestProfile, summariseProfile, type ProfileSummary } from './lib/profile.js';
import { throughputRun, warmPortals, type ThroughputRun } from './p1-throughput.js';
import { latencyRun, type LatencyRun } from './p2-latency.js';
import { rateLimitRun, type RateLimitRun } from './p3-rate-limit.js';
import { coldStartRun, seedStores, type ScaleRun } from './p4-scale.js';
import { figure, type Figure } from './report.js';
import type { BenchSettings } from './settings.js';

export interface PhaseContext {
  hs: Homeserver;
  adapter: PlatformAdapter;
  settings: BenchSettings;
  say(line: string): void;
  /** Where CPU profiles go, when asked for. */
  profileDir?: string;
  figures: Figure[];
  runs: Record<string, unknown>;
  profiles: Record<string, ProfileSummary>;
}

export const profArgs = (ctx: Pick<PhaseContext, 'profileDir'>, name: string): string[] =>
  ctx.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${join(ctx.profileDir, name)}`] : [];

export function keepProfile(
  ctx: Pick<PhaseContext, 'profileDir' | 'profiles'>,
  dir: string,
  name: string,
): void {
  const file = ctx.profileDir ? newestProfile(join(ctx.profileDir, dir)) : undefined;
  if (file) ctx.profiles[name] = summariseProfile(file);
}

/** Runs `fn` `settings.runs` times, printing and keeping each run's figures under `label`. */
export async function repeat<T>(
  ctx: Pick<PhaseContext, 'settings' | 'say' | 'runs'>,
  label: string,
  fn: (run: number) => Promise<T>,
): Promise<T[]> {
  const out: T[] = [];
  for (let r = 0; r < ctx.settings.runs; r++) {
    out.push(await fn(r));
    ctx.say(`${label} run ${r + 1}: ${JSON.stringify(out[r])}`);
  }
  ctx.runs[label] = out;
  return out;
}

/** P1, P2 and P3 on one world of `settings.rooms` portals with the bridge as a process. */
export async function throughputPhase(ctx: PhaseContext): Promise<void> {
  const { settings: s, figures } = ctx;
  const pg = s.db === 'postgres' ? await startPostgres() : undefined;
  try {
    const databaseUrl = pg ? await pg.createDatabase(`bench_${Date.now()}`) : undefined;
    const env = await startBenchWorld(ctx.hs, ctx.adapter, s.rooms, {
      nodeArgs: profArgs(ctx, 'p1-p3'),
      beforeStart: async (w) => {
        if (databaseUrl) w.config.database.url = databaseUrl;
      },
    });
    try {
      await warmPortals(env);
      const db = s.db === 'postgres' ? ' [postgres]' : '';
      if (s.only.has('P1')) {
        const runs: ThroughputRun[] = await repeat(ctx, 'P1', (r) =>
          throughputRun(env, r, s.p1Messages),
        );
        figures.push(
          figure(
            'P1',
            `platform->Matrix throughput / raw Synapse${db}`,
            'ratio',
            runs.map((x) => x.ratio),
            { op: '>=', value: 0.9 },
            runs.every((x) => x.missing === 0),
          ),
          figure(
            'P1.raw',
            `raw appservice sends, ${s.rooms} rooms`,
            'msg/s',
            runs.map((x) => x.rawPerSecond),
          ),
          figure(
            'P1.bridge',
            `through the bridge, ${s.rooms} rooms${db}`,
            'msg/s',
            runs.map((x) => x.bridgedPerSecond),
          ),
          figure(
            'P1.cpu',
            'bridge CPU per message',
            'ms',
            runs.map((x) => x.cpuMsPerMessage.bridge),
          ),
          figure(
            'P1.hscpu',
            'Synapse CPU per message, raw',
            'ms',
            runs.map((x) => x.cpuMsPerMessage.synapseRaw),
          ),
          figure(
            'P1.hscpu.br',
            'Synapse CPU per message, bridged',
            'ms',
            runs.map((x) => x.cpuMsPerMessage.synapseBridged),
          ),
        );
      }
      if (s.only.has('P2')) {
        const runs: LatencyRun[] = await repeat(ctx, 'P2', (r) => latencyRun(env, r, s.p2Samples));
        figures.push(
          figure(
            'P2.p50',
            `latency added by the bridge, p50${db}`,
            'ms',
            runs.map((x) => x.added.p50),
            { op: '<=', value: 5 },
          ),
          figure(
            'P2.p99',
            `latency added by the bridge, p99${db}`,
            'ms',
            runs.map((x) => x.added.p99),
            { op: '<=', value: 25 },
          ),
          figure(
            'P2.raw50',
            'raw homeserver round trip, p50',
            'ms',
            runs.map((x) => x.raw.p50),
          ),
          figure(
            'P2.raw99',
            'raw homeserver round trip, p99',
            'ms',
            runs.map((x) => x.raw.p99),
          ),
          figure(
            'P2.br50',
            'platform -> Matrix client, p50',
            'ms',
            runs.map((x) => x.bridged.p50),
          ),
          figure(
            'P2.post50',
            'platform API post round trip, p50 (inside P2.br50)',
            'ms',
            runs.map((x) => x.post.p50),
          ),
        );
      }
      if (s.only.has('P3')) {
        const runs: RateLimitRun[] = await repeat(ctx, 'P3', (r) =>
          rateLimitRun(env, r, s.p3Messages, s.p3Limit),
        );
        figures.push(
          figure(
            'P3',
            `Matrix->platform / limit ${s.p3Limit.perSecond}/s${db}`,
            'ratio',
            runs.map((x) => x.ratio),
            { op: '>=', value: 0.9 },
            runs.every((x) => x.lost === 0),
          ),
          figure(
            'P3.lost',
            'messages lost under the rate limit',
            'messages',
            runs.map((x) => x.lost),
            { op: '<=', value: 0 },
          ),
        );
      }
    } finally {
      await env.close();
    }
    keepProfile(ctx, 'p1-p3', 'P1-P3');
  } finally {
    await pg?.stop();
  }
}

/** P4 on one database backend: seed once, then `runs` cold starts (the last one profiled). */
export async function scalePhase(ctx: PhaseContext, backend: 'pglite' | 'postgres'): Promise<void> {
  const s = ctx.settings;
  const pg: PostgresHandle | undefined = backend === 'postgres' ? await startPostgres() : undefined;
  try {
    const databaseUrl = pg ? await pg.createDatabase(`bench_${Date.now()}`) : undefined;
    const env = await startBenchWorld(ctx.hs, ctx.adapter, 1, {
      platformChannels: 1 + s.p4Portals,
      startBridge: false,
      beforeStart: async (w) => {
        if (databaseUrl) w.config.database.url = databaseUrl;
        await seedStores(w, s.p4Portals, s.p4Ghosts);
      },
    });
    let runs: ScaleRun[];
    try {
      const configPath = env.world.writeConfigFile();
      runs = await repeat(ctx, `P4 ${backend}`, async (r) => {
        const last = r === s.runs - 1;
        const { log, ...run } = await coldStartRun(
          env,
          r,
          configPath,
          last ? profArgs(ctx, `p4-${backend}`) : [],
        );
        if (last) {
          const warning = log.split('\n').findLast((l) => /"level":(40|50)/.test(l));
          ctx.say(
            `P4 ${backend}: the last start's log ends with e.g. ${warning?.slice(0, 240) ?? '-'}`,
          );
        }
        return { ...run, portals: s.p4Portals, ghosts: s.p4Ghosts };
      });
    } finally {
      await env.close();
    }
    keepProfile(ctx, `p4-${backend}`, `P4 ${backend}`);
    const tag = backend === 'pglite' ? '' : ` [${backend}]`;
    const id = (name: string): string => (backend === 'pglite' ? name : `${name}.pg`);
    ctx.figures.push(
      figure(
        id('P4.rss'),
        `resident memory, ${s.p4Portals} portals + ${s.p4Ghosts} ghosts${tag}`,
        'MB',
        runs.map((x) => x.rssSettledMb),
        { op: '<=', value: 200 },
      ),
      figure(
        id('P4.peak'),
        `peak resident memory (VmHWM)${tag}`,
        'MB',
        runs.map((x) => x.peakRssMb),
      ),
      figure(
        id('P4.start'),
        `cold start (spawn -> "bridge started")${tag}`,
        's',
        runs.map((x) => x.coldStartMs / 1000),
        { op: '<=', value: 3 },
      ),
      figure(
        id('P4.listen'),
        `spawn -> appservice listening (db open)${tag}`,
        's',
        runs.map((x) => x.listeningMs / 1000),
      ),
      figure(
        id('P4.conn'),
        `spawn -> connector connected (resync done)${tag}`,
        's',
        runs.map((x) => x.connectedMs / 1000),
      ),
      figure(
        id('P4.first'),
        `first platform message after start${tag}`,
        'ms',
        runs.map((x) => x.firstMessageMs),
      ),
    );
  } finally {
    await pg?.stop();
  }
}
