/**
 * The Synapse root for a compiled run: the harness finds scripts/synapse-root.sh relative to
 * its own file, which from dist/ points at dist/scripts/, where the script is not copied.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runChecked } from '../../test/harness/proc.js';
import { synapseRootPath } from '../../test/harness/synapse.js';

export async function ensureRoot(): Promise<string> {
  let repo = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(repo, 'package.json')) && dirname(repo) !== repo) repo = dirname(repo);
  const script = join(repo, 'scripts', 'synapse-root.sh');
  if (!existsSync(script)) throw new Error(`cannot find scripts/synapse-root.sh in ${repo}`);
  const root = synapseRootPath();
  await runChecked('bash', [script], {
    env: { ...process.env, SYNAPSE_ROOT: root },
    timeoutMs: 30 * 60_000,
  });
  return root;
}
