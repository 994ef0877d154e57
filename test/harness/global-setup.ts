/**
 * vitest globalSetup of the `integration` project: one PostgreSQL and one Synapse (SQLite
 * storage) per run, with SLOT_COUNT appservice registrations that test files claim
 * (claimSlot/releaseSlot in ./index.ts). Everything reaches the tests via inject('harness').
 *
 * HARNESS_KEEP=1 keeps the folders and logs (paths are printed); HARNESS_VERBOSE=1 prints more.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import type { HarnessContext } from './context.js';
import { freePorts } from './ports.js';
import { startPostgres, type PostgresHandle } from './postgres.js';
import { keepFiles } from './proc.js';
import type { RegisteredUser, RegisterUserOptions } from './register.js';
import { startSynapse, type AppserviceSlot, type SynapseHandle } from './synapse.js';

// Test-side helpers (canonical home: ./index.ts). They are loaded lazily because ./index.ts
// imports 'vitest', which must not be imported in the global-setup context.
export async function claimSlot(opts?: { timeoutMs?: number }): Promise<AppserviceSlot> {
  return (await import('./index.js')).claimSlot(opts);
}

export async function releaseSlot(slot: AppserviceSlot): Promise<void> {
  (await import('./index.js')).releaseSlot(slot);
}

export async function registerUser(
  localpart: string,
  opts?: RegisterUserOptions,
): Promise<RegisteredUser> {
  return (await import('./index.js')).registerUser(localpart, opts);
}

export const SLOT_COUNT = 6;

function makeSlots(ports: number[]): AppserviceSlot[] {
  return ports.map((port, i) => {
    const n = i + 1;
    return {
      id: `bridge-slot-${n}`,
      url: `http://127.0.0.1:${port}`,
      asToken: `as_${n}_${randomBytes(24).toString('hex')}`,
      hsToken: `hs_${n}_${randomBytes(24).toString('hex')}`,
      senderLocalpart: `bridgebot${n}`,
      userPrefix: `_b${n}_`,
    };
  });
}

export default async function setup({
  provide,
}: Pick<TestProject, 'provide'>): Promise<() => Promise<void>> {
  const t0 = Date.now();
  const slots = makeSlots(await freePorts(SLOT_COUNT));
  const slotLockDir = mkdtempSync(join(tmpdir(), 'bridge-harness-slots-'));

  // Synapse uses SQLite, so the two servers start side by side.
  const [pgResult, synapseResult] = await Promise.allSettled([
    startPostgres(),
    startSynapse({ appservices: slots }),
  ]);
  const postgres: PostgresHandle | undefined =
    pgResult.status === 'fulfilled' ? pgResult.value : undefined;
  const synapse: SynapseHandle | undefined =
    synapseResult.status === 'fulfilled' ? synapseResult.value : undefined;
  if (!postgres || !synapse) {
    await Promise.allSettled([postgres?.stop(), synapse?.stop()]);
    rmSync(slotLockDir, { recursive: true, force: true });
    const reasons = [pgResult, synapseResult]
      .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
      .map((r) => (r.reason instanceof Error ? r.reason.message : String(r.reason)));
    throw new Error(`integration harness failed to start:\n${reasons.join('\n\n')}`);
  }

  const context: HarnessContext = {
    synapseUrl: synapse.url,
    serverName: synapse.serverName,
    postgresUrl: postgres.url,
    slots,
    slotLockDir,
    registrationSharedSecret: synapse.registrationSharedSecret,
    synapseLogFile: synapse.logFile,
  };
  provide('harness', context);

  console.log(
    `[harness] ready in ${Date.now() - t0} ms: Synapse ${synapse.url} (${synapse.startupMs} ms), ` +
      `PostgreSQL ${postgres.url} (${postgres.startupMs} ms)`,
  );
  if (keepFiles()) {
    console.log(
      `[harness] HARNESS_KEEP: Synapse folder ${synapse.runDir}, log ${synapse.logFile}; ` +
        `PostgreSQL folder ${postgres.dir}; slot claims ${slotLockDir}`,
    );
  }

  return async () => {
    await Promise.allSettled([synapse.stop(), postgres.stop()]);
    if (!keepFiles()) rmSync(slotLockDir, { recursive: true, force: true });
  };
}
