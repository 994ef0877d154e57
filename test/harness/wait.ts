/**
 * Waiting in tests: poll a condition until it holds, with a deadline generous enough for a
 * loaded machine (2 cores shared by several test runs). Tests never sleep a fixed time and
 * then assert; they wait for the state they expect. No dependency on vitest or the
 * integration harness, so unit tests, simulators' tests and e2e tests share it.
 */

/** Default deadline: long enough for a busy machine, short of the unit project's testTimeout. */
export const DEFAULT_WAIT_MS = 30_000;

/**
 * Deadline for one step of an end-to-end test (a message through Synapse and the bridge):
 * half the integration project's testTimeout, so a stuck step fails with its own message.
 */
export const E2E_WAIT_MS = 60_000;

/**
 * A simulated peer's own deadline (an answer, an ack, a pong) in tests that do not exercise
 * that deadline: a busy machine can stall either side for seconds, and a real platform's
 * 2-5 s would then turn a prompt answer into a retry, a redelivery or a dropped connection
 * the test does not expect. Only a peer that deliberately hangs misses this one.
 */
export const PATIENT_PEER_MS = DEFAULT_WAIT_MS;

export interface WaitOptions {
  /** What is awaited, for the error message ("the retry of Ev1"). */
  what: string;
  /** Give up after this long (default {@link DEFAULT_WAIT_MS}). */
  timeoutMs?: number;
  /** Pause between polls (default 25 ms). */
  intervalMs?: number;
}

/** Values that count as "not yet" (any falsy value): the condition is polled again. */
type NotYet = undefined | null | false | 0 | '';

/**
 * Polls `condition` until it returns a truthy value and returns that value (like every
 * older wait helper here, so `() => list.length` waits for an item). A condition that
 * throws counts as "not yet" until the deadline, then its last error is reported, so an
 * `expect(...)` inside a condition works too.
 */
export async function waitFor<T>(
  condition: () => T | NotYet | Promise<T | NotYet>,
  opts: WaitOptions,
): Promise<T> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_WAIT_MS;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await condition();
      if (value) return value as T;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) throw timedOut(opts.what, timeoutMs, lastError);
    await pause(opts.intervalMs ?? 25);
  }
}

/**
 * Polls `assertion` (e.g. `() => expect(x).toBe(1)`) until it passes; on the deadline its
 * last failure is reported.
 */
export async function untilPasses(assertion: () => unknown, opts: WaitOptions): Promise<void> {
  await waitFor(async () => {
    await assertion();
    return true;
  }, opts);
}

/**
 * Resolves with `promise` if it settles within `timeoutMs`, else fails naming `what`. For
 * "this does not wait for X" checks: X is made minutes long, the budget stays generous.
 */
export async function settlesWithin<T>(
  promise: Promise<T>,
  what: string,
  timeoutMs = DEFAULT_WAIT_MS,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`${what} did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    return await Promise.race([promise, late]);
  } finally {
    clearTimeout(timer);
  }
}

function timedOut(what: string, timeoutMs: number, lastError: unknown): Error {
  const why = lastError instanceof Error ? `; last check failed: ${lastError.message}` : '';
  return new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`, {
    cause: lastError,
  });
}

/**
 * Yields to the event loop for `ms`. Only for pacing a poll or a load generator, never for
 * "wait, then assert" (use {@link waitFor}).
 */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
