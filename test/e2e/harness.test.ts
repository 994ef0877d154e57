import { createServer, type IncomingMessage, type Server } from 'node:http';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  appserviceClient,
  claimSlot,
  clientFor,
  createDatabase,
  harness,
  MatrixApiError,
  registerAppserviceUser,
  registerUser,
  releaseSlot,
  uniqueLocalpart,
  type AppserviceSlot,
  type MatrixEvent,
  type RegisteredUser,
  type TestMatrixClient,
} from '../harness/index.js';
import { startSynapse } from '../harness/synapse.js';
import { E2E_WAIT_MS } from '../harness/wait.js';

interface Transaction {
  txnId: string;
  auth: string | undefined;
  events: MatrixEvent[];
}

/** A minimal appservice endpoint: records transactions; can be told to fail the next N. */
function fakeAppservice(port: number): {
  server: Server;
  transactions: Transaction[];
  failNext: (n: number) => void;
  failures: () => number;
  close: () => Promise<void>;
} {
  const transactions: Transaction[] = [];
  let toFail = 0;
  let failed = 0;
  const readBody = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      let data = '';
      req.setEncoding('utf8');
      req.on('data', (c: string) => (data += c));
      req.on('end', () => resolve(data));
      req.on('error', reject);
    });
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const m = /^\/_matrix\/app\/v1\/transactions\/([^/?]+)/.exec(req.url ?? '');
      if (req.method === 'PUT' && m) {
        if (toFail > 0) {
          toFail--;
          failed++;
          res.writeHead(500, { 'content-type': 'application/json' }).end('{"errcode":"M_UNKNOWN"}');
          return;
        }
        const parsed = JSON.parse(body) as { events?: MatrixEvent[] };
        transactions.push({
          txnId: decodeURIComponent(m[1] ?? ''),
          auth: req.headers.authorization,
          events: parsed.events ?? [],
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      // user/room queries, ping, ...: "not found" / ok
      res
        .writeHead(req.url?.includes('/ping') ? 200 : 404, { 'content-type': 'application/json' })
        .end('{}');
    })();
  });
  server.listen(port, '127.0.0.1');
  return {
    server,
    transactions,
    failNext: (n) => (toFail = n),
    failures: () => failed,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function waitFor<T>(
  what: string,
  fn: () => T | undefined,
  timeoutMs = E2E_WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('integration harness', () => {
  let alice: RegisteredUser;
  let bob: RegisteredUser;
  let aliceClient: TestMatrixClient;
  let bobClient: TestMatrixClient;
  let slot: AppserviceSlot;

  beforeAll(async () => {
    [alice, bob] = await Promise.all([
      registerUser(uniqueLocalpart('alice'), { displayName: 'Alice' }),
      registerUser(uniqueLocalpart('bob'), { admin: true }),
    ]);
    aliceClient = clientFor(alice);
    bobClient = clientFor(bob);
    slot = await claimSlot();
  });

  afterAll(() => {
    if (slot) releaseSlot(slot);
  });

  it('provides the shared context', () => {
    const h = harness();
    expect(h.serverName).toBe('localhost');
    expect(h.slots).toHaveLength(6);
    expect(new Set(h.slots.map((s) => s.id)).size).toBe(6);
    expect(h.slots.map((s) => s.userPrefix)).toEqual([
      '_b1_',
      '_b2_',
      '_b3_',
      '_b4_',
      '_b5_',
      '_b6_',
    ]);
  });

  it('registers users with profiles', async () => {
    expect(alice.userId).toMatch(/^@alice-[0-9a-f]+:localhost$/);
    expect((await aliceClient.whoami()).user_id).toBe(alice.userId);
    expect((await bobClient.getProfile(alice.userId)).displayname).toBe('Alice');
  });

  it('sends and receives messages, edits, reactions, replies, threads, redactions', async () => {
    const roomId = await aliceClient.createRoom({
      name: 'harness room',
      preset: 'private_chat',
      invite: [bob.userId],
    });
    await bobClient.join(roomId);
    const sent = await aliceClient.sendMessage(roomId, 'hello from alice');

    const got = await bobClient.waitForEvent(
      roomId,
      (e) => e.type === 'm.room.message' && e.content.body === 'hello from alice',
    );
    expect(got.event_id).toBe(sent);
    expect(got.sender).toBe(alice.userId);

    const since = await bobClient.syncToken(roomId);
    const editId = await aliceClient.edit(roomId, sent, 'hello, edited');
    const reactionId = await bobClient.sendReaction(roomId, sent, '👍');
    const replyId = await bobClient.reply(roomId, sent, 'a reply');
    const threadId = await bobClient.threadReply(roomId, sent, 'in a thread');
    const redactionId = await aliceClient.redact(roomId, reactionId, 'oops');

    const later = await aliceClient.waitForEvents(
      roomId,
      (e) => e.sender === bob.userId || e.type === 'm.room.redaction',
      4,
      {
        since,
      },
    );
    expect(later.map((e) => e.event_id)).toEqual([reactionId, replyId, threadId, redactionId]);

    const edit = await bobClient.getEvent(roomId, editId);
    expect(edit.content['m.new_content']).toMatchObject({ body: 'hello, edited' });
    expect(edit.content['m.relates_to']).toMatchObject({ rel_type: 'm.replace', event_id: sent });
    const reply = await aliceClient.getEvent(roomId, replyId);
    expect(reply.content['m.relates_to']?.['m.in_reply_to']?.event_id).toBe(sent);
    const thread = await aliceClient.getEvent(roomId, threadId);
    expect(thread.content['m.relates_to']).toMatchObject({ rel_type: 'm.thread', event_id: sent });
    const reaction = await aliceClient.getEvent(roomId, reactionId);
    expect(reaction.content['m.relates_to']).toBeUndefined(); // redacted

    // since = an event id: only events after it count
    const afterEdit = await bobClient.waitForEvent(roomId, (e) => e.type === 'm.room.message', {
      since: editId,
    });
    expect(afterEdit.event_id).toBe(replyId);

    await aliceClient.setPowerLevels(roomId, { users: { [bob.userId]: 50 } });
    expect((await bobClient.getPowerLevels(roomId)).users?.[bob.userId]).toBe(50);
    const members = await bobClient.members(roomId, 'join');
    expect(members.map((m) => m.state_key).sort()).toEqual([alice.userId, bob.userId].sort());

    const missing = await bobClient.getEvent(roomId, '$nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(MatrixApiError);
    expect((missing as MatrixApiError).status).toBe(404);
    expect((missing as MatrixApiError).errcode).toBe('M_NOT_FOUND');
  });

  it('uploads and downloads media (authenticated media API)', async () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i % 251));
    const mxc = await aliceClient.uploadMedia(bytes, 'application/octet-stream', 'blob.bin');
    expect(mxc).toMatch(/^mxc:\/\/localhost\//);
    const { data, contentType } = await bobClient.downloadMediaWithInfo(mxc);
    expect(Buffer.compare(data, bytes)).toBe(0);
    expect(contentType).toBe('application/octet-stream');
    expect(Buffer.compare(await bobClient.downloadMedia(mxc), bytes)).toBe(0);
  });

  it('creates appservice users only inside the claimed slot namespace', async () => {
    const res = await fetch(`${harness().synapseUrl}/_matrix/client/v3/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slot.asToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        type: 'm.login.application_service',
        username: `${slot.userPrefix}x`,
      }),
    });
    const body = (await res.json()) as {
      user_id?: string;
      access_token?: string;
      errcode?: string;
    };
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body.user_id).toBe(`@${slot.userPrefix}x:localhost`);

    const outside = await fetch(`${harness().synapseUrl}/_matrix/client/v3/register`, {
      method: 'POST',
      headers: { authorization: `Bearer ${slot.asToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'm.login.application_service', username: 'not_in_namespace' }),
    });
    expect(outside.status).toBe(400);
    expect(((await outside.json()) as { errcode: string }).errcode).toBe('M_EXCLUSIVE');
  });

  it('delivers transactions to the slot promptly, also after failures', async () => {
    const port = Number(new URL(slot.url).port);
    const as = fakeAppservice(port);
    try {
      const ghost = await registerAppserviceUser(slot, `${slot.userPrefix}ghost`);
      const roomId = await aliceClient.createRoom({ preset: 'private_chat', invite: [ghost] });
      await appserviceClient(slot, ghost).join(roomId);

      const first = await aliceClient.sendMessage(roomId, 'to the bridge');
      const txn = await waitFor('first transaction', () =>
        as.transactions.find((t) => t.events.some((e) => e.event_id === first)),
      );
      expect(txn.auth).toBe(`Bearer ${slot.hsToken}`);

      // The appservice fails three times; Synapse's (shortened) retry must still deliver soon.
      as.failNext(3);
      const second = await aliceClient.sendMessage(roomId, 'after failures');
      const t1 = Date.now();
      await waitFor('retried transaction', () =>
        as.transactions.find((t) => t.events.some((e) => e.event_id === second)),
      );
      expect(as.failures()).toBe(3);
      // Not a speed test: Synapse's own delays (2 + 4 + 8 s) need at least 14 s whatever the
      // load, the shortened ones (0.25 + 0.5 + 1 s) far less.
      expect(Date.now() - t1).toBeLessThan(14_000);
    } finally {
      await as.close();
    }
  });

  it('gives test files PostgreSQL', async () => {
    const client = new pg.Client({ connectionString: harness().postgresUrl });
    await client.connect();
    try {
      const res = await client.query<{ one: number }>('select 1 as one');
      expect(res.rows[0]?.one).toBe(1);
    } finally {
      await client.end();
    }

    const url = await createDatabase();
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    try {
      await db.query('create table t (x text)');
      await db.query("insert into t values ('é')");
      expect((await db.query<{ x: string }>('select x from t')).rows[0]?.x).toBe('é');
    } finally {
      await db.end();
    }
  });

  it('starts a private Synapse on PostgreSQL that keeps its data across restart()', async () => {
    const own = await startSynapse({ appservices: [], postgresUrl: harness().postgresUrl });
    try {
      expect(own.databaseUrl).toMatch(/^postgres:\/\//);
      const carol = await own.registerUser('carol');
      const before = Date.now();
      await own.restart();
      const restartMs = Date.now() - before;
      const res = await fetch(`${own.url}/_matrix/client/v3/account/whoami`, {
        headers: { authorization: `Bearer ${carol.accessToken}` },
      });
      expect(res.status).toBe(200);
      expect(((await res.json()) as { user_id: string }).user_id).toBe('@carol:localhost');
      console.log(
        `[harness test] private Synapse on PostgreSQL: start ${own.startupMs} ms, restart ${restartMs} ms`,
      );
    } finally {
      await own.stop();
    }
  });
});
