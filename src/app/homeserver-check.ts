/**
 * Before anything else talks to Matrix: is the homeserver there, and does it know the bridge?
 * A homeserver that is still starting (both started by one systemd target, say) is waited for,
 * with a warn line per attempt naming homeserver.url, up to homeserver.startup_wait_s; a
 * homeserver that refuses the registration's as_token, or knows the bot by another id, is a
 * setup mistake that waiting cannot fix, so start-up stops at once and says what to do.
 */
import type { Logger } from 'pino';
import { BridgeError, errorMessage } from '../util/errors.js';

export const DEFAULT_STARTUP_WAIT_S = 120;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 15_000;
const REQUEST_TIMEOUT_MS = 10_000;

export interface HomeserverCheckOptions {
  /** homeserver.url, without a trailing slash. */
  url: string;
  asToken: string;
  /** `@{bot_localpart}:{homeserver.domain}`. */
  botUserId: string;
  /** The registration file's path, for the advice. */
  registrationFile: string;
  /** How long to wait for a homeserver that does not answer yet. */
  waitMs: number;
  log: Logger;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/** One look at the homeserver: fine, worth another try later, or a mistake to report. */
type Probe =
  { kind: 'ok' } | { kind: 'transient'; reason: string } | { kind: 'fatal'; error: BridgeError };

const transient = (reason: string): Probe => ({ kind: 'transient', reason });
const fatal = (error: BridgeError): Probe => ({ kind: 'fatal', error });

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function request(o: HomeserverCheckOptions, path: string, token?: string): Promise<Answer> {
  const res = await (o.fetch ?? fetch)(`${o.url}${path}`, {
    headers: token ? { authorization: `Bearer ${token}` } : {},
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  return { status: res.status, body: typeof body === 'object' && body ? body : {} };
}

const passing = (status: number): boolean => status === 429 || status >= 500;

/** `/versions`: is a Matrix client-server API answering at homeserver.url? */
async function probeVersions(o: HomeserverCheckOptions): Promise<Probe> {
  const a = await request(o, '/_matrix/client/versions');
  if (passing(a.status)) return transient(`it answered HTTP ${a.status}`);
  if (a.status === 200 && Array.isArray(a.body.versions)) return { kind: 'ok' };
  return fatal(
    new BridgeError(
      'HOMESERVER_UNREACHABLE',
      `${o.url} (homeserver.url) answered HTTP ${a.status} without a Matrix version list: it is not ` +
        `a homeserver's client-server API. Set homeserver.url to the address this machine reaches ` +
        `the homeserver's client API at (e.g. http://localhost:8008).`,
    ),
  );
}

/** `/whoami` with the as_token: has the homeserver loaded this registration? */
async function probeWhoami(o: HomeserverCheckOptions): Promise<Probe> {
  const a = await request(o, '/_matrix/client/v3/account/whoami', o.asToken);
  if (passing(a.status)) return transient(`whoami answered HTTP ${a.status}`);
  if (a.status === 200) {
    if (a.body.user_id === o.botUserId) return { kind: 'ok' };
    return fatal(
      new BridgeError(
        'HOMESERVER_MISMATCH',
        `The homeserver at ${o.url} knows the bridge bot as ${String(a.body.user_id)}, but the ` +
          `configuration expects ${o.botUserId} (appservice.bot_localpart and homeserver.domain). ` +
          `Set homeserver.domain to the homeserver's server name and make appservice.bot_localpart ` +
          `match sender_localpart in ${o.registrationFile}.`,
      ),
    );
  }
  const errcode = typeof a.body.errcode === 'string' ? a.body.errcode : `HTTP ${a.status}`;
  return fatal(
    new BridgeError(
      'HOMESERVER_REFUSED_TOKEN',
      `The homeserver at ${o.url} refused the as_token of ${o.registrationFile} ` +
        `(appservice.registration) with ${errcode}: it has not loaded this registration file. ` +
        `Add the file to app_service_config_files in homeserver.yaml and restart the homeserver ` +
        `(after generate-registration --force, restart it so it reads the new tokens).`,
    ),
  );
}

async function probe(o: HomeserverCheckOptions): Promise<Probe> {
  try {
    const versions = await probeVersions(o);
    return versions.kind === 'ok' ? await probeWhoami(o) : versions;
  } catch (err) {
    // fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND, …) is its cause.
    const cause = (err as { cause?: unknown }).cause;
    return transient(cause ? `${errorMessage(err)}: ${errorMessage(cause)}` : errorMessage(err));
  }
}

function unreachable(o: HomeserverCheckOptions, waitedMs: number, reason: string): BridgeError {
  return new BridgeError(
    'HOMESERVER_UNREACHABLE',
    `Cannot reach the homeserver at ${o.url} (homeserver.url) after ${Math.round(waitedMs / 1000)} s: ` +
      `${reason}. Start the homeserver, or fix homeserver.url (the address this machine reaches ` +
      `its client API at); raise homeserver.startup_wait_s if it takes longer to start.`,
  );
}

/** Resolves once the homeserver answers and accepts the as_token as the bot; throws otherwise. */
export async function checkHomeserver(o: HomeserverCheckOptions): Promise<void> {
  const now = o.now ?? Date.now;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const started = now();
  let delayMs = FIRST_RETRY_MS;
  for (let attempt = 1; ; attempt++) {
    const result = await probe(o);
    if (result.kind === 'ok') return;
    if (result.kind === 'fatal') throw result.error;
    const waited = now() - started;
    if (waited + delayMs > o.waitMs) throw unreachable(o, waited, result.reason);
    o.log.warn(
      {
        url: o.url,
        config_key: 'homeserver.url',
        attempt,
        retry_in_s: delayMs / 1000,
        reason: result.reason,
      },
      'homeserver not reachable yet; waiting for it',
    );
    await sleep(delayMs);
    delayMs = Math.min(delayMs * 2, MAX_RETRY_MS);
  }
}
