/** What one benchmark run measures, from the command line (see run.ts). */
import { parseArgs } from 'node:util';

export interface BenchSettings {
  connector: string;
  runs: number;
  only: Set<string>;
  profile: boolean;
  out?: string;
  rooms: number;
  /** The bridge's database for P1-P3: the embedded PGlite (default) or PostgreSQL. */
  db: 'pglite' | 'postgres';
  /** P0: messages per direction per run, and transactions of 100 events per intake run. */
  p0Messages: number;
  p0Transactions: number;
  p0Backends: Array<'pglite' | 'postgres'>;
  p1Messages: number;
  p2Samples: number;
  p3Messages: number;
  p3Limit: { perSecond: number; burst: number };
  p4Portals: number;
  p4Ghosts: number;
  p4Backends: Array<'pglite' | 'postgres'>;
}

export function parseSettings(argv: string[]): BenchSettings {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      only: { type: 'string', default: 'P0,P1,P2,P3,P4' },
      profile: { type: 'boolean', default: false },
      connector: { type: 'string', default: 'mattermost' },
      out: { type: 'string' },
      db: { type: 'string', default: 'pglite' },
      'p4-db': { type: 'string' },
      'p0-db': { type: 'string' },
    },
  });
  const quick = values.quick;
  const backend = (s: string): 'pglite' | 'postgres' => {
    if (s !== 'pglite' && s !== 'postgres') throw new Error(`unknown database "${s}"`);
    return s;
  };
  return {
    connector: values.connector,
    runs: Number(values.runs ?? (quick ? 2 : 3)),
    only: new Set(values.only.split(',').map((s) => s.trim().toUpperCase())),
    profile: values.profile,
    out: values.out,
    rooms: quick ? 4 : 10,
    db: backend(values.db),
    p0Messages: quick ? 300 : 2000,
    p0Transactions: quick ? 3 : 10,
    p0Backends: (values['p0-db'] ?? (quick ? 'pglite' : 'pglite,postgres')).split(',').map(backend),
    p1Messages: quick ? 80 : 300,
    p2Samples: quick ? 30 : 200,
    p3Messages: quick ? 50 : 150,
    p3Limit: { perSecond: 10, burst: 10 },
    p4Portals: quick ? 1000 : 10_000,
    p4Ghosts: quick ? 10_000 : 100_000,
    p4Backends: (values['p4-db'] ?? (quick ? 'pglite' : 'pglite,postgres')).split(',').map(backend),
  };
}
