/**
 * A kill between Teams accepting a post and the bridge recording it must not post it twice,
 * and a kill before the post reached Teams must not lose it: a new connector instance with the
 * same durable storage retries with the same idempotency key, and Teams ends with exactly one
 * copy. Covered for the bot (Bot Connector) in a channel, a thread, a group chat and a
 * personal chat; posting as a linked user (Graph) is covered in puppet.test.ts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { MARKER_HTML, markerHtml, markerId } from '../../../connectors/teams/send-ledger.js';
import { crashThenRetry } from './crash.js';
import { outbound, teamsWorld, type TeamsTestWorld } from './world.js';

let w: TeamsTestWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

const contoso = (channel: string) => ({ workspace: 'contoso', channel });

type View = { id: string; replyToId: string | null; body: { content: string } };
const copiesOf = (world: TeamsTestWorld, channel: string, text: string) =>
  (world.sim.control.messages(channel) as unknown as View[]).filter((m) =>
    m.body.content.includes(text),
  );

type Where = 'channel' | 'thread' | 'group chat' | 'personal chat';
const WHERE: Where[] = ['channel', 'thread', 'group chat', 'personal chat'];

function conversation(world: TeamsTestWorld, where: Where): string {
  if (where === 'group chat') return world.chatId;
  if (where === 'personal chat') return world.personalId;
  return world.channelId;
}

/** A message for `where`; in a thread it replies to a root Alice posted. */
async function messageFor(world: TeamsTestWorld, where: Where, text: string) {
  const channel = conversation(world, where);
  if (where === 'personal chat') {
    // The bridge learns a personal chat (and its Graph id) when the user first writes to the bot.
    const hello = world.sim.control.post(world.alice.id, channel, 'hello bot');
    await world.event('message', (e) => e.messageId === hello);
  }
  if (where !== 'thread') return { channel, message: outbound(text) };
  const root = world.sim.control.post(world.alice.id, channel, `thread root ${where}`);
  await world.event('message', (e) => e.messageId === root);
  return { channel, message: outbound(text, { threadRoot: root }) };
}

it('marks each part with an empty span that readers of the HTML can leave out', () => {
  const html = `<p>hi</p>${markerHtml('k', 0)}<p>more</p>${markerHtml('k', 1)}`;
  expect(markerId('k', 0)).not.toBe(markerId('k', 1));
  expect(markerId('k', 0)).not.toBe(markerId('k2', 0));
  expect(html.replace(MARKER_HTML, '')).toBe('<p>hi</p><p>more</p>');
});

describe('a bot post retried after the bridge was killed', () => {
  it.each(WHERE)('is not posted twice when the first attempt reached Teams (%s)', async (where) => {
    w = await teamsWorld();
    const text = `posted before the kill in a ${where}`;
    const { channel, message } = await messageFor(w, where, text);
    const ids = await crashThenRetry(w, channel, message);
    const copies = copiesOf(w, channel, text);
    expect(copies.map((m) => m.id)).toEqual(ids);
    expect(copies).toHaveLength(1);
    expect(copies[0]!.body.content).toContain(markerId(message.idempotencyKey, 0));
  });

  it.each(WHERE)('is posted when the first attempt never reached Teams (%s)', async (where) => {
    w = await teamsWorld();
    const text = `lost on the way in a ${where}`;
    const { channel, message } = await messageFor(w, where, text);
    w.sim.injectFailures({ status: 500, count: 1, pattern: /^POST \/amer\/v3\/conversations\// });
    const first = await w.start(w.config, new Map(w.ctx.store));
    const store = first.ctx.store;
    await expect(first.connector.sendMessage(contoso(channel), message)).rejects.toThrow();
    await first.connector.stop();
    expect(copiesOf(w, channel, text)).toHaveLength(0);
    const next = await w.start(w.config, new Map(store));
    const ids = (await next.connector.sendMessage(contoso(channel), message)).messageIds;
    expect(ids).toHaveLength(1);
    expect(copiesOf(w, channel, text).map((m) => m.id)).toEqual(ids);
  });

  it('resumes a long message after its first part: the rest of it once, in its thread', async () => {
    w = await teamsWorld();
    const paragraphs = Array.from({ length: 30 }, (_, i) => `long part ${i} ${'x'.repeat(1500)}`);
    const message = outbound(paragraphs.join('\n\n'));
    const ids = await crashThenRetry(w, w.channelId, message);
    expect(ids.length).toBeGreaterThan(1);
    const mine = (w.sim.control.messages(w.channelId) as unknown as View[]).filter((m) =>
      m.body.content.includes('long part'),
    );
    expect(mine.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(mine.filter((m) => m.replyToId === null).map((m) => m.id)).toEqual([ids[0]]);
  });
});
