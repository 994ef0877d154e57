/**
 * Test-side entry of the integration harness. The global setup (global-setup.ts) starts one
 * PostgreSQL and one Synapse per `vitest` run; test files reach them through these helpers:
 *
 *   import { harness, claimSlot, releaseSlot, registerUser, clientFor } from '../harness/index.js';
 *
 *   const slot = await claimSlot();            // top level or in beforeAll
 *   afterAll(() => releaseSlot(slot));
 *   const alice = await registerUser(uniqueLocalpart('alice'));
 *   const client = clientFor(alice);
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { HarnessContext } from './context.js';
import { TestMatrixClient } from './matrix-client.js';
import { createDatabaseAt } from './postgres.js';
import {
  registerWithSharedSecret,
  uniqueLocalpart,
  type RegisteredUser,
  type RegisterUserOptions,
} from './register.js';
import type { AppserviceSlot } from './synapse.js';

export type { HarnessContext } from './context.js';
export type { AppserviceSlot } from './synapse.js';
export type { RegisteredUser, RegisterUserOptions } from './register.js';
export { TestMatrixClient, MatrixApiError, parseMxc } from './matrix-client.js';
export type {
  MatrixEvent,
  MessageContent,
  CreateRoomOptions,
  WaitOptions,
  PowerLevels,
} from './matrix-client.js';
export { uniqueLocalpart } from './register.js';
export { freePort } from './ports.js';

/** The shared harness context (throws a clear error outside the integration project). */
export function harness(): HarnessContext {
  const ctx = inject('harness');
  if (!ctx) {
    throw new Error(
      "inject('harness') is empty: run this file in the 'integration' vitest project " +
        '(its globalSetup test/harness/global-setup.ts starts Synapse and PostgreSQL)',
    );
  }
  return ctx;
}

/** Registers a user on the shared Synapse (shared-secret admin API). */
export function registerUser(
  localpart: string,
  opts?: RegisterUserOptions,
): Promise<RegisteredUser> {
  const h = harness();
  return registerWithSharedSecret(h.synapseUrl, h.registrationSharedSecret, localpart, opts);
}

/** A TestMatrixClient acting as a registered user. */
export function clientFor(user: Pick<RegisteredUser, 'userId' | 'accessToken'>): TestMatrixClient {
  return new TestMatrixClient(harness().synapseUrl, user.userId, user.accessToken);
}

/** Registers a user with a unique localpart (`${base}-xxxxxxxx`) and returns a client for it. */
export async function newUserClient(
  base = 'user',
  opts?: RegisterUserOptions,
): Promise<TestMatrixClient> {
  return clientFor(await registerUser(uniqueLocalpart(base), opts));
}

/**
 * Creates a fresh database on the shared PostgreSQL and returns its URL
 * (default name: `test_<random>`).
 */
export function createDatabase(name = `test_${randomBytes(6).toString('hex')}`): Promise<string> {
  return createDatabaseAt(harness().postgresUrl, name);
}

const claimed = new Map<string, string>(); // slot id -> claim folder

function claimDir(ctx: HarnessContext, slot: AppserviceSlot): string {
  return join(ctx.slotLockDir, `slot-${slot.id}`);
}

/**
 * Claims an appservice slot no other test file currently holds. Test files run in parallel
 * worker processes; a claim is the atomic creation of the folder `slot-<id>` in the lock
 * folder. Waits (up to `timeoutMs`) when all are taken. Release with {@link releaseSlot}
 * in afterAll so later files can reuse it.
 *
 * A slot may have been used by an earlier file: Synapse may still push transactions left
 * over from that file's rooms to the new owner, so bridges under test should ignore events
 * from rooms they do not know.
 */
export async function claimSlot(opts: { timeoutMs?: number } = {}): Promise<AppserviceSlot> {
  const ctx = harness();
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    for (const slot of ctx.slots) {
      const dir = claimDir(ctx, slot);
      try {
        mkdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw err;
      }
      writeFileSync(
        join(dir, 'owner.json'),
        JSON.stringify({
          pid: process.pid,
          worker: process.env.VITEST_POOL_ID,
          at: new Date().toISOString(),
        }),
      );
      claimed.set(slot.id, dir);
      return slot;
    }
    if (Date.now() > deadline) {
      const owners = readdirSync(ctx.slotLockDir).map((d) => {
        try {
          return `${d}: ${readFileSync(join(ctx.slotLockDir, d, 'owner.json'), 'utf8')}`;
        } catch {
          return d;
        }
      });
      throw new Error(
        `claimSlot: all ${ctx.slots.length} appservice slots are taken (did a file forget releaseSlot?)\n` +
          owners.join('\n'),
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Gives a claimed slot back. Safe to call twice. */
export function releaseSlot(slot: AppserviceSlot): void {
  const dir = claimed.get(slot.id) ?? claimDir(harness(), slot);
  claimed.delete(slot.id);
  rmSync(dir, { recursive: true, force: true });
}

/**
 * Registers (or confirms) an appservice user in the slot's namespace, as the appservice
 * would: POST /register with `m.login.application_service` and the slot's as_token.
 * Returns the user id (an existing user is fine).
 */
export async function registerAppserviceUser(
  slot: AppserviceSlot,
  localpart: string,
): Promise<string> {
  const h = harness();
  const res = await fetch(`${h.synapseUrl}/_matrix/client/v3/register`, {
    method: 'POST',
    headers: { authorization: `Bearer ${slot.asToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'm.login.application_service',
      username: localpart,
      inhibit_login: true,
    }),
  });
  const body = (await res.json()) as { user_id?: string; errcode?: string; error?: string };
  if (res.ok && body.user_id) return body.user_id;
  if (body.errcode === 'M_USER_IN_USE') return `@${localpart}:${h.serverName}`;
  throw new Error(
    `registerAppserviceUser(${localpart}): HTTP ${res.status} ${body.errcode ?? ''} ${body.error ?? ''}`,
  );
}

/** A TestMatrixClient acting as the appservice (as_token), optionally masquerading as `userId`. */
export function appserviceClient(slot: AppserviceSlot, userId?: string): TestMatrixClient {
  const h = harness();
  const sender = `@${slot.senderLocalpart}:${h.serverName}`;
  return new AppserviceTestClient(h.synapseUrl, userId ?? sender, slot.asToken, userId);
}

class AppserviceTestClient extends TestMatrixClient {
  constructor(
    hsUrl: string,
    userId: string,
    accessToken: string,
    private readonly masquerade?: string,
  ) {
    super(hsUrl, userId, accessToken);
  }

  override raw(
    method: string,
    path: string,
    body?: unknown,
    query?: Record<string, string | number | boolean | undefined>,
    headers?: Record<string, string>,
  ): Promise<Response> {
    const q = this.masquerade ? { ...(query ?? {}), user_id: this.masquerade } : query;
    return super.raw(method, path, body, q, headers);
  }
}
