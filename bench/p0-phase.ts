/** P0 on one database backend: a stub-homeserver world of 100 portals, `runs` runs of each figure. */
import { startPostgres, type PostgresHandle } from '../test/harness/postgres.js';
import { idleRssMb, intakeRun, toMatrixRun, toPlatformRun } from './p0-capacity.js';
import { startStubWorld, type StubWorld } from './lib/stub-world.js';
import { figure } from './report.js';
import { keepProfile, profArgs, repeat, type PhaseContext } from './phases.js';

export type CapacityContext = Omit<PhaseContext, 'hs'>;

/** Portals in the world: the most any intake figure puts in one transaction. */
const PORTALS = 100;
const INTAKE_PORTALS = [1, 10, 100] as const;

/** One message each way per portal, so ghosts exist and every portal's worker has run. */
async function warm(w: StubWorld): Promise<void> {
  await toPlatformRun(w, -1, PORTALS, PORTALS);
  await toMatrixRun(w, -1, PORTALS, PORTALS);
}

export async function capacityPhase(
  ctx: CapacityContext,
  backend: 'pglite' | 'postgres',
): Promise<void> {
  const s = ctx.settings;
  const pg: PostgresHandle | undefined = backend === 'postgres' ? await startPostgres() : undefined;
  try {
    const databaseUrl = pg ? await pg.createDatabase(`bench_p0_${Date.now()}`) : undefined;
    const w = await startStubWorld(ctx.adapter, PORTALS, {
      databaseUrl,
      nodeArgs: profArgs(ctx, `p0-${backend}`),
    });
    const tag = backend === 'pglite' ? '' : ' [postgres]';
    const id = (name: string): string => (backend === 'pglite' ? name : `${name}.pg`);
    const perCpu = backend === 'pglite' ? 1000 : 2000;
    try {
      await warm(w);
      const label = `P0 ${backend}`;
      const rss = await repeat(ctx, `${label} idle RSS`, () => idleRssMb(w));
      const out = await repeat(ctx, `${label} Matrix->platform`, (r) =>
        toPlatformRun(w, r, s.rooms, s.p0Messages),
      );
      const back = await repeat(ctx, `${label} platform->Matrix`, (r) =>
        toMatrixRun(w, r, s.rooms, s.p0Messages),
      );
      ctx.figures.push(
        figure(
          id('P0.out'),
          `Matrix->platform per bridge CPU-second${tag}`,
          'msg/s',
          out.map((x) => x.perCpuSecond),
          { op: '>=', value: perCpu },
          out.every((x) => x.missing === 0),
        ),
        figure(
          id('P0.in'),
          `platform->Matrix per bridge CPU-second${tag}`,
          'msg/s',
          back.map((x) => x.perCpuSecond),
          { op: '>=', value: perCpu },
          back.every((x) => x.missing === 0),
        ),
        figure(
          id('P0.out.wall'),
          `Matrix->platform, wall clock${tag}`,
          'msg/s',
          out.map((x) => x.perSecond),
        ),
        figure(
          id('P0.in.wall'),
          `platform->Matrix, wall clock${tag}`,
          'msg/s',
          back.map((x) => x.perSecond),
        ),
        figure(id('P0.rss'), `idle resident memory, ${PORTALS} portals${tag}`, 'MB', rss, {
          op: '<=',
          value: backend === 'pglite' ? 150 : 100,
        }),
      );
      for (const portals of INTAKE_PORTALS) {
        const runs = await repeat(ctx, `${label} intake ${portals}`, (r) =>
          intakeRun(w, r, portals, s.p0Transactions),
        );
        ctx.figures.push(
          figure(
            id(`P0.intake${portals}`),
            `transactions acknowledged, ${portals} portal(s) each${tag}`,
            'events/s',
            runs.map((x) => x.eventsPerSecond),
            { op: '>=', value: 5000 },
          ),
        );
      }
      const unknown = [...w.stub.unknownRoutes];
      if (unknown.length > 0) ctx.say(`${label}: the stub answered {} to ${unknown.join(', ')}`);
    } finally {
      await w.close();
    }
    keepProfile(ctx, `p0-${backend}`, `P0 ${backend}`);
  } finally {
    await pg?.stop();
  }
}
