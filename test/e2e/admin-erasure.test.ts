import type { Post } from '@mattermost/types/posts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdminCommand } from '../../src/cli/admin-commands.js';
import { newUserClient, type TestMatrixClient } from '../harness/index.js';
import { findEverywhere } from '../store/id-scan.js';
import { OpenApiValidator } from '../unit/admin/openapi-validator.js';
import { createAdminWorld, eventually, type AdminWorld } from './admin-fixture.js';

// erase-user end to end through Synapse: a Mattermost user's ghost is redacted, cleared,
// leaves and is deactivated; a Matrix user's rows go and the audit log names them by a
// pseudonym. After each, no column of any table holds their ids.

let w: AdminWorld;
let serverAdmin: TestMatrixClient;
let room: string;
const doc = new OpenApiValidator();

async function erase(body: unknown, userId?: string) {
  const res = await w.api('POST', '/erasures', { body, ...(userId ? { userId } : {}) });
  doc.check('/erasures', 'POST', res.status, res.body);
  return res;
}

async function synapseUser(userId: string): Promise<{ deactivated?: boolean }> {
  const res = await serverAdmin.raw(
    'GET',
    `/_synapse/admin/v2/users/${encodeURIComponent(userId)}`,
  );
  return (await res.json()) as { deactivated?: boolean };
}

/** Runs a CLI subcommand as main.ts does, and returns what it printed. */
async function cli(command: 'erase-user', ...args: string[]): Promise<string> {
  let out = '';
  await runAdminCommand(command, args, w.config, { out: (t) => (out += t) });
  return out;
}

async function cliError(command: 'erase-user', ...args: string[]): Promise<unknown> {
  return cli(command, ...args).then(
    () => undefined,
    (e: unknown) => e,
  );
}

/** The CLI's printed report read back: the pseudonym and `what: n` lines. */
function printedReport(printed: string): { pseudonym?: string; counts: Record<string, number> } {
  const [head, ...lines] = printed.trim().split('\n');
  const counts = Object.fromEntries(
    lines.map((l) => {
      const at = l.lastIndexOf(': ');
      return [l.slice(0, at).trim(), Number(l.slice(at + 2))];
    }),
  );
  return { pseudonym: /(erased:[0-9a-f]{16})/.exec(head ?? '')?.[1], counts };
}

beforeAll(async () => {
  w = await createAdminWorld({ admin: { erasure: { redact_messages: true } } });
  serverAdmin = await newUserClient('hsadmin', { admin: true });
  room = await w.newRoom();
  const linked = await w.api('POST', '/links', {
    body: { room, connector: 'mattermost', workspace: 'main', channel: w.channels.townSquare },
  });
  expect(linked.status).toBe(201);
});

afterAll(async () => {
  await w?.close();
});

describe('erase-user', () => {
  it('refuses everyone below admin, through the API, and audits it', async () => {
    for (const who of [w.linker, w.plain, w.outsider]) {
      const res = await erase({ matrix_user_id: w.linker.userId }, who.userId);
      expect(res.status).toBe(403);
      expect(res.body.code).toBe('PERMISSION_DENIED');
    }
    const audit = await w.api('GET', '/audit?limit=3&outcome=denied');
    const entries = audit.body.entries as Array<Record<string, unknown>>;
    expect(entries.map((e) => e.action)).toEqual(['erase_user', 'erase_user', 'erase_user']);
  });

  it('refuses through the CLI as a non-admin, and says how to call it', async () => {
    expect(await cliError('erase-user', w.admin.userId, '--as', w.linker.userId)).toMatchObject({
      code: 'PERMISSION_DENIED',
    });
    expect(await cliError('erase-user', 'mattermost', 'main')).toMatchObject({ code: 'CLI_USAGE' });
  });

  it('answers an unknown person clearly and erases nothing', async () => {
    const cases = [
      { matrix_user_id: '@never-seen:localhost' },
      {
        connector: 'mattermost',
        workspace: 'main',
        platform_user_id: 'nobodyxxxxxxxxxxxxxxxxxxxx',
      },
      { connector: 'mattermost', workspace: 'main', platform_user_id: '%' },
    ];
    for (const body of cases) {
      const res = await erase(body);
      expect(res.status).toBe(404);
      expect(res.body.code).toBe('ERASURE_SUBJECT_UNKNOWN');
    }
    const other = await erase({
      connector: 'mattermost',
      workspace: 'other',
      platform_user_id: w.aliceId,
    });
    expect(other.status).toBe(404);
    expect(other.body.code).toBe('WORKSPACE_UNKNOWN');
  });

  it('retires a platform user: redacted, profile cleared, left, deactivated, tables clean', async () => {
    const ghost = w.ghostOf(w.aliceId);
    await w.alice.createPost({ channel_id: w.channels.townSquare, message: 'erase me' } as Post);
    const bridged = await w.linker.waitForEvent(
      room,
      (e) => e.sender === ghost && e.content.body === 'erase me',
    );
    await w.linker.sendReaction(room, bridged.event_id, '👍');
    expect((await w.linker.joinedMembers(room))[ghost]?.display_name).toBeTruthy();
    expect((await findEverywhere(w.bridge.stores.db, ghost)).length).toBeGreaterThan(0);

    const res = await erase({
      connector: 'mattermost',
      workspace: 'main',
      platform_user_id: w.aliceId,
    });
    expect(res.status).toBe(200);
    expect(res.body.counts).toMatchObject({
      'matrix: messages redacted': 1,
      'matrix: ghost profile cleared': 1,
      'matrix: ghost deactivated': 1,
      ghosts: 1,
      messages: 1,
    });
    expect(String(res.body.pseudonym)).toMatch(/^erased:[0-9a-f]{16}$/);

    expect(Object.keys(await w.linker.joinedMembers(room))).not.toContain(ghost);
    expect((await w.linker.getEvent(room, bridged.event_id)).content).toEqual({});
    expect((await synapseUser(ghost)).deactivated).toBe(true);
    expect(await findEverywhere(w.bridge.stores.db, ghost)).toEqual([]);
    expect(await findEverywhere(w.bridge.stores.db, w.aliceId)).toEqual([]);

    const audit = await w.api('GET', '/audit?limit=1&outcome=ok');
    const entry = (audit.body.entries as Array<Record<string, unknown>>)[0]!;
    expect(entry).toMatchObject({
      action: 'erase_user',
      connector: 'mattermost',
      workspace: 'main',
    });
    expect(String(entry.detail)).toContain(String(res.body.pseudonym));
    expect(JSON.stringify(entry)).not.toContain(w.aliceId);
  });

  it('tells the room when an erased platform user writes again (their ghost cannot post)', async () => {
    await w.alice.createPost({
      channel_id: w.channels.townSquare,
      message: 'written after erasure',
    } as Post);
    const notice = await w.linker.waitForEvent(
      room,
      (e) => e.sender === w.botUserId && String(e.content.body).includes('written after erasure'),
    );
    expect(notice.content.msgtype).toBe('m.notice');
  });

  it('erases a Matrix user and names them by a pseudonym in the audit log', async () => {
    const person = w.linker;
    await person.sendMessage(room, 'from a Matrix user');
    await eventually(
      async () =>
        w.sim.posts(w.channels.townSquare).some((p) => p.message.includes('from a Matrix user')) ||
        undefined,
      'the Matrix message on Mattermost',
    );
    await eventually(
      async () =>
        (await findEverywhere(w.bridge.stores.db, person.userId)).some(
          (h) => h.table === 'messages',
        ) || undefined,
      'the message map to record the Matrix message',
    );
    const printed = await cli('erase-user', person.userId);
    expect(printed).toMatch(
      /^Erased\. From now on the audit log calls this person erased:[0-9a-f]{16}/,
    );
    const res = { body: printedReport(printed) };
    expect(res.body.counts).toMatchObject({
      messages: 1,
      'audit_log (pseudonymised)': expect.any(Number),
    });
    expect(await findEverywhere(w.bridge.stores.db, person.userId)).toEqual([]);
    // Their earlier actions (refused above, acting through the secret) stay countable.
    const audit = await w.api('GET', '/audit?limit=500');
    const actors = (audit.body.entries as Array<{ actor: string }>).map((e) => e.actor);
    expect(actors).toContain(`${String(res.body.pseudonym)} (via provisioning secret)`);
    const again = await cliError('erase-user', person.userId);
    expect(again).toMatchObject({ code: 'ERASURE_SUBJECT_UNKNOWN' });
  });
});
