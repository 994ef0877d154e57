import { createDatabase } from '../harness/index.js';

/** Every store suite runs on both backends: the embedded default and a real PostgreSQL server. */
export const STORE_BACKENDS: Array<[string, () => Promise<{ url?: string; dataDir: string }>]> = [
  ['PGlite', async () => ({ dataDir: 'memory://' })],
  ['PostgreSQL', async () => ({ url: await createDatabase(), dataDir: '' })],
];
