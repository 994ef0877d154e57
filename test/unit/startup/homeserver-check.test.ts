/**
 * Start-up and the homeserver: a homeserver that is not there yet is waited for with a warn
 * line per attempt naming homeserver.url, up to the configured wait; one that refuses the
 * registration's token, or knows the bot by another id, stops start-up at once.
 */
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { checkHomeserver, type HomeserverCheckOptions } from '../../../src/app/homeserver-check.js';
import { BridgeError } from '../../../src/util/errors.js';

const URL_ = 'http://hs.agency.example:8008';
const TOKEN = 'a'.repeat(64);
const BOT = '@bridge:agency.example';

type Reply = { status: number; body?: unknown } | Error;

/** A homeserver that answers /versions and /whoami from scripted replies (last one repeats). */
function homeserver(
  versions: Reply[],
  whoami: Reply[] = [{ status: 200, body: { user_id: BOT } }],
) {
  const seen: Array<{ path: string; auth: string | undefined }> = [];
  const next = (list: Reply[]) => (list.length > 1 ? list.shift()! : list[0]!);
  const fetchFn = (async (input: string | URL, init?: RequestInit) => {
    const path = new URL(String(input)).pathname;
    const auth = (init?.headers as Record<string, string> | undefined)?.authorization;
    seen.push({ path, auth });
    const reply = path.endsWith('/versions') ? next(versions) : next(whoami);
    if (reply instanceof Error) throw reply;
    return new Response(JSON.stringify(reply.body ?? {}), { status: reply.status });
  }) as typeof fetch;
  return { fetchFn, seen };
}

const UP: Reply = { status: 200, body: { versions: ['v1.11'] } };
const REFUSED = new TypeError('fetch failed', {
  cause: new Error('connect ECONNREFUSED 127.0.0.1:8008'),
});

function run(fetchFn: typeof fetch, waitMs = 60_000) {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  let clock = 0;
  const opts: HomeserverCheckOptions = {
    url: URL_,
    asToken: TOKEN,
    botUserId: BOT,
    registrationFile: '/srv/bridge/registration.yaml',
    waitMs,
    log: pino({ level: 'info' }, sink),
    fetch: fetchFn,
    // The clock moves only when the check waits: no real time passes in these tests.
    sleep: (ms) => Promise.resolve(void (clock += ms)),
    now: () => clock,
  };
  const outcome = checkHomeserver(opts).then(
    () => undefined,
    (err: unknown) => err,
  );
  return { outcome, lines, clock: () => clock };
}

describe('checkHomeserver', () => {
  it('goes on at once when the homeserver answers and knows the bot, sending the as_token only to whoami', async () => {
    const hs = homeserver([UP]);
    const r = run(hs.fetchFn);
    expect(await r.outcome).toBeUndefined();
    expect(r.lines).toEqual([]);
    expect(hs.seen).toEqual([
      { path: '/_matrix/client/versions', auth: undefined },
      { path: '/_matrix/client/v3/account/whoami', auth: `Bearer ${TOKEN}` },
    ]);
  });

  it('waits for a homeserver still starting, one warn line per attempt naming the URL and key', async () => {
    const hs = homeserver(
      [REFUSED, { status: 502 }, { status: 429 }, UP],
      [{ status: 503 }, { status: 200, body: { user_id: BOT } }],
    );
    const r = run(hs.fetchFn);
    expect(await r.outcome).toBeUndefined();
    expect(r.lines.map((l) => [l.level, l.msg, l.url, l.config_key, l.attempt])).toEqual(
      [1, 2, 3, 4].map((n) => [
        40,
        'homeserver not reachable yet; waiting for it',
        URL_,
        'homeserver.url',
        n,
      ]),
    );
    expect(r.lines.map((l) => l.retry_in_s)).toEqual([1, 2, 4, 8]);
    expect(r.lines[0]!.reason).toBe('fetch failed: connect ECONNREFUSED 127.0.0.1:8008');
    expect(JSON.stringify(r.lines)).not.toContain(TOKEN);
  });

  it('refuses to start once the wait is over, naming the URL, the key and what to do', async () => {
    const r = run(homeserver([REFUSED]).fetchFn, 30_000);
    const err = (await r.outcome) as BridgeError;
    expect(err).toBeInstanceOf(BridgeError);
    expect(err.code).toBe('HOMESERVER_UNREACHABLE');
    expect(err.message).toContain(`Cannot reach the homeserver at ${URL_} (homeserver.url)`);
    expect(err.message).toContain('ECONNREFUSED');
    expect(err.message).toContain('homeserver.startup_wait_s');
    expect(r.clock()).toBeLessThanOrEqual(30_000);
    expect(r.lines.length).toBeGreaterThan(2);
  });

  it('with startup_wait_s 0, refuses at the first failure without waiting', async () => {
    const r = run(homeserver([REFUSED]).fetchFn, 0);
    expect(((await r.outcome) as BridgeError).code).toBe('HOMESERVER_UNREACHABLE');
    expect(r.lines).toEqual([]);
  });

  const FATAL: Array<{ name: string; versions: Reply; whoami: Reply; code: string; says: RegExp }> =
    [
      {
        name: 'a web page instead of the client API',
        versions: { status: 404, body: {} },
        whoami: { status: 404 },
        code: 'HOMESERVER_UNREACHABLE',
        says: /answered HTTP 404 without a Matrix version list.*Set homeserver\.url/,
      },
      {
        name: 'a 200 that is no version list',
        versions: { status: 200, body: { hello: 'world' } },
        whoami: { status: 404 },
        code: 'HOMESERVER_UNREACHABLE',
        says: /not a homeserver's client-server API/,
      },
      {
        name: 'the as_token unknown (registration not loaded)',
        versions: UP,
        whoami: { status: 401, body: { errcode: 'M_UNKNOWN_TOKEN' } },
        code: 'HOMESERVER_REFUSED_TOKEN',
        says: /refused the as_token of \/srv\/bridge\/registration\.yaml \(appservice\.registration\) with M_UNKNOWN_TOKEN.*app_service_config_files/,
      },
      {
        name: 'the as_token forbidden',
        versions: UP,
        whoami: { status: 403, body: {} },
        code: 'HOMESERVER_REFUSED_TOKEN',
        says: /with HTTP 403/,
      },
      {
        name: 'the bot known on another server name',
        versions: UP,
        whoami: { status: 200, body: { user_id: '@bridge:matrix.agency.example' } },
        code: 'HOMESERVER_MISMATCH',
        says: /knows the bridge bot as @bridge:matrix\.agency\.example, but the configuration expects @bridge:agency\.example.*homeserver\.domain/,
      },
      {
        name: 'the bot known by another localpart',
        versions: UP,
        whoami: { status: 200, body: { user_id: '@relay:agency.example' } },
        code: 'HOMESERVER_MISMATCH',
        says: /as @relay:agency\.example.*appservice\.bot_localpart/,
      },
    ];

  it.each(FATAL)('stops at once on $name', async (c) => {
    const r = run(homeserver([c.versions], [c.whoami]).fetchFn);
    const err = (await r.outcome) as BridgeError;
    expect(err).toBeInstanceOf(BridgeError);
    expect(err.code).toBe(c.code);
    expect(err.message).toMatch(c.says);
    expect(err.message).not.toContain(TOKEN);
    expect(r.clock()).toBe(0);
  });
});
