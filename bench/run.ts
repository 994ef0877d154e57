/**
 * `npm run bench`: P0 against a homeserver stub, P1-P4 against a real Synapse (started here),
 * each with the platform simulator, printed as a table and written to
 * bench/results/latest.json. Not part of `npm test`.
 *
 *   npm run bench                         # every figure, 3 runs each
 *   npm run bench -- --quick              # fewer messages and runs (a smoke test)
 *   npm run bench -- --only P1,P2 --runs 5
 *   npm run bench -- --only P0 --p0-db postgres   # capacity on PostgreSQL only
 *   npm run bench -- --db postgres        # P1-P3 with the bridge on PostgreSQL
 *   npm run bench -- --p4-db pglite       # P4 on one backend only (default: both)
 *   npm run bench -- --profile            # also CPU-profile the bridge (P1-P3 and P4)
 *   npm run bench -- --connector rocketchat
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adapterFor } from './adapters/index.js';
import { startHomeserver } from './env.js';
import { describeMachine } from './lib/machine.js';
import type { ProfileSummary } from './lib/profile.js';
import { renderTable } from './lib/table.js';
import { capacityPhase, type CapacityContext } from './p0-phase.js';
import { scalePhase, throughputPhase, type PhaseContext } from './phases.js';
import { renderFigures, renderMachine, writeResults, type Figure } from './report.js';
import { parseSettings } from './settings.js';

const settings = parseSettings(process.argv.slice(2));
const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const outPath = settings.out ?? join(REPO, 'bench', 'results', 'latest.json');
const say = (s: string): void => void process.stdout.write(`${s}\n`);

function printProfile(name: string, p: ProfileSummary): void {
  say(`\nCPU profile ${name} (${p.totalMs} ms sampled, ${p.file}): self time by package`);
  say(
    renderTable(
      ['package', 'ms', '%'],
      p.packages.map((h) => [h.name, h.ms, h.percent]),
    ),
  );
  say('self time by function');
  say(
    renderTable(
      ['function', 'ms', '%'],
      p.functions.map((h) => [h.name, h.ms, h.percent]),
    ),
  );
}

async function main(): Promise<number> {
  const machine = describeMachine();
  say(renderMachine(machine));
  say(`settings: ${JSON.stringify({ ...settings, only: [...settings.only] })}`);
  const started = Date.now();
  const figures: Figure[] = [];
  const errors: string[] = [];
  // A phase that fails is reported; what the others measured is still printed and written.
  const attempt = async (phase: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      const text = `${phase}: ${err instanceof Error ? err.message : String(err)}`.slice(0, 3000);
      errors.push(text);
      say(`FAILED ${text}`);
    }
  };
  const base: CapacityContext = {
    adapter: adapterFor(settings.connector),
    settings,
    say,
    profileDir: settings.profile ? mkdtempSync(join(tmpdir(), 'bridge-prof-')) : undefined,
    figures,
    runs: {},
    profiles: {},
  };
  if (settings.only.has('P0'))
    for (const backend of settings.p0Backends)
      await attempt(`P0 ${backend}`, () => capacityPhase(base, backend));
  const synapsePhases = ['P1', 'P2', 'P3', 'P4'].some((p) => settings.only.has(p));
  const hs = synapsePhases ? await startHomeserver() : undefined;
  if (hs) say(`synapse ${hs.synapse.url} up in ${hs.synapse.startupMs} ms`);
  const ctx: PhaseContext | undefined = hs ? { ...base, hs } : undefined;
  try {
    if (ctx && ['P1', 'P2', 'P3'].some((p) => settings.only.has(p)))
      await attempt('P1-P3', () => throughputPhase(ctx));
    if (ctx && settings.only.has('P4'))
      for (const backend of settings.p4Backends)
        await attempt(`P4 ${backend}`, () => scalePhase(ctx, backend));
  } finally {
    await hs?.stop();
  }

  say(`\n${renderMachine(machine)}\n${renderFigures(figures)}`);
  for (const e of errors) say(`FAILED ${e}`);
  for (const [name, p] of Object.entries(base.profiles)) printProfile(name, p);
  await writeResults(outPath, {
    generatedAt: new Date().toISOString(),
    durationS: Math.round((Date.now() - started) / 1000),
    machine,
    settings: { ...settings, only: [...settings.only] },
    figures,
    runs: base.runs,
    profiles: base.profiles,
    errors,
  });
  say(`\nwrote ${outPath}`);
  return errors.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
