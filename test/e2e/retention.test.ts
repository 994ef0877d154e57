/**
 * Retention end to end: a running bridge (Synapse, the Mattermost simulator) bridges messages
 * both ways, then its retention clock is moved past each limit in turn. Each step checks
 * both sides of the boundary in the real tables (an hour short of a limit nothing of that
 * kind goes; an hour past it, all of it, and the longer-kept kinds stay), and what people
 * see afterwards: an edit, reaction or deletion of a pruned message gets a clear notice
 * instead of vanishing, and replies to pruned messages still cross, as plain messages.
 */
import { randomBytes } from 'node:crypto';
import type { Post } from '@mattermost/types/posts';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeApp } from '../../src/app/bridge-app.js';
import { definition as mattermost } from '../../connectors/mattermost/index.js';
import type { MatrixEvent } from '../harness/index.js';
import { E2E_WAIT_MS, waitFor } from '../harness/wait.js';
import { createWorld, type MattermostWorld } from './mattermost-fixture.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
/** Distinct limits, so each step prunes one kind and shows the longer-kept ones stay. */
const LIMITS = {
  messages_days: 2,
  inbox_days: 4,
  failed_days: 4,
  audit_days: 6,
  connector_storage_days: 8,
  ghost_profiles_days: 10,
};
const secret = randomBytes(24).toString('hex');

interface Pass {
  at: number;
  pruned: Record<string, number>;
}

let world: MattermostWorld;
let bridge: BridgeApp;
/** How far the bridge's retention clock is ahead of the real one. */
let ahead = 0;
const passes: Pass[] = [];
const pruneWarnings: string[] = [];

/** Only the retention's own lines are kept (the bridge logs at debug for this test). */
function retentionLog(line: string): void {
  if (line.includes('retention pass finished')) {
    const { at, pruned } = JSON.parse(line) as { at: string; pruned: Record<string, number> };
    passes.push({ at: Date.parse(at), pruned });
  } else if (line.includes('could not prune old data')) pruneWarnings.push(line);
}

beforeAll(async () => {
  world = await createWorld();
  world.config.retention = LIMITS;
  world.config.admin = {
    provisioning: {
      enabled: true,
      secret,
      openid: false,
      rate_limit_per_minute: 600,
      session_minutes: 60,
    },
    console: { enabled: false },
    commands: { enabled: false },
    metrics: { enabled: false },
    audit_retention_days: 365,
    removed_config_links: 'unlink',
  };
  const log = pino({ level: 'debug' }, { write: retentionLog });
  bridge = new BridgeApp(world.config, [mattermost], log, {
    now: () => Date.now() + ahead,
    retentionIntervalMs: 250,
  });
  await bridge.start();
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

/** Moves the retention clock `by` ahead and waits for a pass at that time; its counts. */
async function passWithClockAhead(by: number): Promise<Record<string, number>> {
  ahead = by;
  const from = Date.now() + by;
  const pass = await waitFor(() => passes.find((p) => p.at >= from), {
    what: `a retention pass ${by / DAY} days ahead`,
    timeoutMs: E2E_WAIT_MS,
  });
  expect(pruneWarnings).toEqual([]);
  return pass.pruned;
}

async function rows(table: string, where: Record<string, unknown> = {}): Promise<number> {
  const row = (await bridge.stores.db(table).where(where).count({ n: '*' }).first()) as {
    n: unknown;
  };
  return Number(row.n);
}

const ghostEvent = (predicate: (e: MatrixEvent) => boolean): Promise<MatrixEvent> =>
  world.matrix.waitForEvent(
    world.roomId,
    (e) => e.sender === world.ghostOf(world.alice.id) && predicate(e),
  );

/**
 * The bot's failure notice saying `text` (any case: a burst's notice lowercases it after a
 * count): a reply to the Matrix event `about`, or, within a
 * minute of an earlier notice, that notice edited to list it too (one notice per burst).
 */
async function noticeAbout(about: string, text: string): Promise<string> {
  const notice = await world.matrix.waitForEvent(
    world.roomId,
    (e) =>
      e.sender === world.botUserId &&
      String(e.content.body).toLowerCase().includes(text.toLowerCase()),
  );
  const relates = notice.content['m.relates_to'] as {
    rel_type?: string;
    'm.in_reply_to'?: { event_id?: string };
  };
  if (relates.rel_type !== 'm.replace') expect(relates['m.in_reply_to']?.event_id).toBe(about);
  return String(notice.content.body);
}

let mariaEvent: string;
let alicePost: Post;
let aliceGhostEvent: string;

describe('retention through a running bridge', () => {
  it('bridges both ways and keeps the ids, inbox, audit and storage rows of it', async () => {
    mariaEvent = await world.matrix.sendMessage(world.roomId, 'minutes of the board meeting');
    await world.waitForPosts(1, (p) => p.message.includes('minutes of the board meeting'));
    alicePost = await world.alice.client.createPost({
      channel_id: world.channelId,
      message: 'budget draft attached soon',
    } as Post);
    aliceGhostEvent = (await ghostEvent((e) => String(e.content.body).includes('budget draft')))
      .event_id;
    await world.matrix.sendReaction(world.roomId, aliceGhostEvent, '👍');
    await waitFor(() => rows('reactions'), { what: 'the reaction recorded' });
    // An audited refusal (a wrong secret) and a connector storage entry of the running bridge.
    const refused = await fetch(`${world.slot.url}/_bridge/admin/v1/portals`, {
      headers: { authorization: 'Bearer not-the-secret' },
    });
    expect(refused.status).toBe(401);
    await waitFor(() => rows('audit_log'), { what: 'the refusal audited' });
    await bridge.stores.kv.forConnector('mattermost').set('retention-e2e', 'learnt at runtime');
    await waitFor(async () => (await rows('inbox', { status: 'done' })) >= 3, {
      what: 'every bridged event delivered',
      timeoutMs: E2E_WAIT_MS,
    });
    expect(await rows('messages')).toBe(2);
    expect(await rows('message_parts')).toBe(4);
  });

  it('keeps message ids an hour short of messages_days and prunes them an hour past it', async () => {
    expect(await passWithClockAhead(LIMITS.messages_days * DAY - HOUR)).toEqual({});
    expect(await rows('messages')).toBe(2);
    expect(await rows('reactions')).toBe(1);

    const pruned = await passWithClockAhead(LIMITS.messages_days * DAY + HOUR);
    expect(pruned.messages).toBe(2);
    expect(pruned.inbox).toBeUndefined();
    for (const table of ['messages', 'message_parts', 'reactions']) {
      expect(await rows(table), table).toBe(0);
    }
    expect(await rows('inbox', { status: 'done' })).toBeGreaterThanOrEqual(3);
  });

  it('tells a Matrix sender that an edit of a pruned message did not cross', async () => {
    const edit = await world.matrix.edit(world.roomId, mariaEvent, 'minutes (fixed)');
    const notice = await noticeAbout(edit, 'This edit did not cross');
    expect(notice).toContain('no longer knows the message it refers to');
    expect(notice).toContain('send it as a new message');
    const posts = world.sim.posts(world.channelId).map((p) => p.message);
    expect(posts.some((m) => m.includes('(fixed)'))).toBe(false);
  });

  it('tells a Matrix sender that a reaction to a pruned message did not cross', async () => {
    const reaction = await world.matrix.sendReaction(world.roomId, aliceGhostEvent, '🎉');
    await noticeAbout(reaction, 'This reaction did not cross');
    expect(await rows('reactions')).toBe(0);
  });

  it('tells a Matrix sender that deleting a pruned message did not cross', async () => {
    const redaction = await world.matrix.redact(world.roomId, mariaEvent);
    await noticeAbout(redaction, 'This deletion did not cross');
    const kept = world.sim.posts(world.channelId).filter((p) => p.user_id === world.bot.id);
    expect(kept.some((p) => p.message.includes('minutes of the board meeting'))).toBe(true);
  });

  it('carries a Matrix reply to a pruned message as a plain message', async () => {
    await world.matrix.reply(world.roomId, aliceGhostEvent, 'agreed, see you monday');
    const [post] = await world.waitForPosts(1, (p) => p.message.includes('see you monday'));
    expect((post as Post).root_id ?? '').toBe('');
  });

  it('carries a Mattermost thread reply to a pruned post as a plain message', async () => {
    await world.alice.client.createPost({
      channel_id: world.channelId,
      root_id: alicePost.id,
      message: 'reply in the old thread',
    } as Post);
    const event = await ghostEvent((e) => String(e.content.body).includes('old thread'));
    expect(event.content['m.relates_to']).toBeUndefined();
  });

  it('keeps delivered inbox entries until inbox_days, audit entries until audit_days', async () => {
    const waiting = () => rows('inbox', { status: 'pending' });
    await waitFor(async () => (await waiting()) === 0, { what: 'nothing left to deliver' });
    expect((await passWithClockAhead(LIMITS.inbox_days * DAY - HOUR)).inbox).toBeUndefined();
    expect(await rows('inbox')).toBeGreaterThanOrEqual(3);

    const pruned = await passWithClockAhead(LIMITS.inbox_days * DAY + HOUR);
    expect(pruned.inbox).toBeGreaterThanOrEqual(3);
    expect(await rows('inbox')).toBe(0);
    expect(await rows('audit_log')).toBeGreaterThan(0);

    expect((await passWithClockAhead(LIMITS.audit_days * DAY - HOUR)).audit_log).toBeUndefined();
    expect(await rows('audit_log')).toBeGreaterThan(0);
    expect((await passWithClockAhead(LIMITS.audit_days * DAY + HOUR)).audit_log).toBeGreaterThan(0);
    expect(await rows('audit_log')).toBe(0);
  });

  it('prunes unused connector storage after connector_storage_days, never the core’s own', async () => {
    const entry = { connector: 'mattermost', key: 'retention-e2e' };
    const days = LIMITS.connector_storage_days;
    expect((await passWithClockAhead(days * DAY - HOUR)).connector_storage).toBeUndefined();
    expect(await rows('connector_kv', entry)).toBe(1);

    expect((await passWithClockAhead(days * DAY + HOUR)).connector_storage).toBeGreaterThan(0);
    expect(await rows('connector_kv', entry)).toBe(0);
    // The database id (and so every transaction id the bridge derives) outlives any retention.
    expect(await rows('connector_kv', { connector: '_core' })).toBeGreaterThan(0);
  });

  it('clears ghost names after ghost_profiles_days and still bridges afterwards', async () => {
    const named = () => bridge.stores.db('ghosts').whereNotNull('display_name').count({ n: '*' });
    const count = async () => Number(((await named()) as Array<{ n: unknown }>)[0]?.n);
    const days = LIMITS.ghost_profiles_days;
    expect((await passWithClockAhead(days * DAY - HOUR)).ghost_profiles).toBeUndefined();
    expect(await count()).toBeGreaterThan(0);
    expect((await passWithClockAhead(days * DAY + HOUR)).ghost_profiles).toBeGreaterThan(0);
    expect(await count()).toBe(0);

    await world.matrix.sendMessage(world.roomId, 'still bridging after every retention');
    await world.waitForPosts(1, (p) => p.message.includes('still bridging'));
  });
});
