/**
 * The provisioning API's refusals (no token, bad token, rate limited) are summarised in the
 * log: a flood of them is a few lines with counts, not one line each.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiRoutes } from '../../../src/admin/http/api-routes.js';
import { Authenticator } from '../../../src/admin/http/auth.js';
import { RateLimiter } from '../../../src/admin/http/rate-limit.js';
import { AdminHttp } from '../../../src/admin/http/server.js';
import { SessionStore } from '../../../src/admin/http/session-store.js';
import { RefusalLog } from '../../../src/util/refusal-log.js';
import { capturingLogger } from '../ingress/raw-client.js';
import { adminWorld, openTestDb } from './world.js';

const SECRET = 'y'.repeat(40);
const BAD_AUTHORIZATIONS: Array<Record<string, string>> = [
  {},
  { authorization: 'Bearer wrong-secret' },
  { authorization: `Basic ${SECRET}` },
  { authorization: `Bearer ${SECRET}z` },
  { authorization: 'Bearer mpbs1.eyJzdWIiOiJAYTpiIiwiZXhwIjo5OTk5OTk5OTk5OTk5fQ.forged' },
  { authorization: 'Bearer mpbs1.' },
];
const ROUNDS = 5;

/**
 * The budget refills by one every 60 s / 30 = 2 s, and the 37 requests below take that long
 * on a stalled machine: one would then slip through. Here the limiter's clock stands still.
 */
class StillClockLimiter extends RateLimiter {
  private readonly at = Date.now();

  override take(client: string): number {
    return super.take(client, this.at);
  }
}

let db: Knex;
let server: Server;
let base = '';
const { log, lines } = capturingLogger();
const refusals = new RefusalLog(log, 60_000);

beforeAll(async () => {
  db = await openTestDb();
  const w = await adminWorld(db, {});
  const auth = new Authenticator(SECRET, new SessionStore(60_000));
  const http = new AdminHttp(
    apiRoutes({ ops: w.ops, auth, openid: undefined }),
    [],
    w.ops,
    auth,
    new StillClockLimiter(BAD_AUTHORIZATIONS.length * ROUNDS),
    true,
    log,
    refusals,
  );
  server = createServer((req, res) => void http.handle(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_bridge/admin/v1`;
}, 60_000);

afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await db?.destroy();
});

describe('provisioning API refusals', () => {
  it('are one line per reason, then one summary each with the count', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      for (const headers of BAD_AUTHORIZATIONS) {
        expect((await fetch(`${base}/portals`, { headers })).status).toBe(401);
      }
    }
    // The limiter's budget is spent: these are refused before authentication.
    for (let i = 0; i < 7; i++) expect((await fetch(`${base}/portals`)).status).toBe(429);

    const warnings = () => lines.filter((l) => l.level === 40);
    expect(warnings().map((l) => l.reason)).toEqual([
      'unauthenticated',
      'bad_token',
      'rate_limited',
    ]);
    refusals.flush();
    const summaries = warnings().filter((l) => typeof l.count === 'number');
    expect(Object.fromEntries(summaries.map((l) => [l.reason, l.count]))).toEqual({
      unauthenticated: ROUNDS - 1,
      bad_token: ROUNDS * (BAD_AUTHORIZATIONS.length - 1) - 1,
      rate_limited: 6,
    });
    expect(JSON.stringify(lines)).not.toContain(SECRET);
  });
});
