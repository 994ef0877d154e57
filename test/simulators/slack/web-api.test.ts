import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebAPIPlatformError } from '@slack/web-api';
import { createSimWorld, errorOf, rawCall, type SimWorld } from './helpers.js';
import { loadSlackSpec } from './spec.js';

const spec = loadSlackSpec();
let w: SimWorld;

beforeEach(async () => {
  w = await createSimWorld({ rateLimits: { postPerChannel: false } });
});
afterEach(async () => {
  await w.sim.close();
});

describe('auth', () => {
  it('answers auth.test for bot and user tokens, with the granted scopes in a header', async () => {
    const bot = await w.bot.auth.test();
    expect(bot).toMatchObject({ ok: true, user_id: w.app.botUserId, bot_id: w.app.botId });
    expect(bot.response_metadata?.scopes).toContain('chat:write.customize');
    const alice = await w.alice.client.auth.test();
    expect(alice.user_id).toBe(w.alice.id);
    expect(alice.bot_id).toBeUndefined();
    const raw = await rawCall(w.sim, 'auth.test', w.app.botToken);
    spec.check(spec.method('auth.test'), raw.body);
  });

  it('refuses missing, unknown, revoked and wrong-kind tokens', async () => {
    expect((await rawCall(w.sim, 'auth.test', undefined)).body.error).toBe('not_authed');
    expect(await errorOf(w.client('xoxb-1-2-nope').auth.test())).toBe('invalid_auth');
    w.sim.revokeToken(w.bob.token);
    expect(await errorOf(w.bob.client.auth.test())).toBe('invalid_auth');
    expect(await errorOf(w.client(w.app.appToken).auth.test())).toBe('not_allowed_token_type');
    const invalid = (await rawCall(w.sim, 'auth.test', 'bogus')).body;
    expect(invalid).toEqual({ ok: false, error: 'invalid_auth' });
  });

  it('names the missing scope', async () => {
    w.sim.setScopes(w.app.botToken, ['chat:write']);
    const err = await w.bot.reactions
      .add({ channel: w.channelId, timestamp: '1.000000', name: 'eyes' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebAPIPlatformError);
    expect((err as WebAPIPlatformError).data).toMatchObject({
      error: 'missing_scope',
      needed: 'reactions:write',
      provided: 'chat:write',
    });
  });

  it('answers unknown methods with unknown_method', async () => {
    expect((await rawCall(w.sim, 'chat.teleport', w.app.botToken)).body.error).toBe(
      'unknown_method',
    );
  });
});

describe('chat', () => {
  it('posts, updates and deletes, with the answers the spec describes', async () => {
    const posted = await rawCall(w.sim, 'chat.postMessage', w.app.botToken, {
      channel: w.channelId,
      text: 'hello *world*',
    });
    spec.check(spec.method('chat.postMessage'), posted.body);
    const ts = posted.body.ts as string;
    expect(ts).toMatch(/^\d{10}\.\d{6}$/);
    expect(posted.body.message).toMatchObject({
      text: 'hello *world*',
      bot_id: w.app.botId,
      user: w.app.botUserId,
    });
    const updated = await rawCall(w.sim, 'chat.update', w.app.botToken, {
      channel: w.channelId,
      ts,
      text: 'changed',
    });
    expect(updated.body).toMatchObject({ ok: true, ts, text: 'changed' });
    expect((updated.body.message as { edited: { user: string } }).edited.user).toBe(
      w.app.botUserId,
    );
    const deleted = await rawCall(w.sim, 'chat.delete', w.app.botToken, {
      channel: w.channelId,
      ts,
    });
    spec.check(spec.method('chat.delete'), deleted.body);
    expect(w.sim.messages(w.channelId)).toHaveLength(0);
  });

  it('posts as a person with a user token, and only authors may edit or delete', async () => {
    const { ts } = await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'mine' });
    const msg = w.sim.messages(w.channelId)[0]!;
    expect(msg).toMatchObject({ user: w.alice.id, text: 'mine' });
    expect(msg.bot_id).toBeUndefined();
    expect(
      await errorOf(w.bot.chat.update({ channel: w.channelId, ts: ts!, text: 'hijack' })),
    ).toBe('cant_update_message');
    expect(await errorOf(w.bob.client.chat.delete({ channel: w.channelId, ts: ts! }))).toBe(
      'cant_delete_message',
    );
    expect(
      await errorOf(w.bot.chat.update({ channel: w.channelId, ts: '1.000000', text: 'x' })),
    ).toBe('message_not_found');
  });

  it('uses username and icon_url only with chat:write.customize', async () => {
    await w.bot.chat.postMessage({
      channel: w.channelId,
      text: 'as maria',
      username: 'Maria Matrix',
      icon_url: 'https://example.org/maria.png',
    });
    expect(w.sim.messages(w.channelId).at(-1)).toMatchObject({
      username: 'Maria Matrix',
      icons: { image_48: 'https://example.org/maria.png' },
      subtype: 'bot_message',
      bot_id: w.app.botId,
    });
    w.sim.setScopes(w.app.botToken, ['chat:write']);
    await w.bot.chat.postMessage({ channel: w.channelId, text: 'plain', username: 'Maria' });
    const last = w.sim.messages(w.channelId).at(-1)!;
    expect(last.username).toBeUndefined();
    expect(last.subtype).toBeUndefined();
  });

  it('refuses bad channels, empty and oversized messages', async () => {
    expect(await errorOf(w.bot.chat.postMessage({ channel: 'C0NOPE', text: 'x' }))).toBe(
      'channel_not_found',
    );
    expect(await errorOf(w.bot.chat.postMessage({ channel: w.otherChannelId, text: 'x' }))).toBe(
      'not_in_channel',
    );
    expect(await errorOf(w.bot.chat.postMessage({ channel: w.channelId, text: '' }))).toBe(
      'no_text',
    );
    expect(
      await errorOf(w.bot.chat.postMessage({ channel: w.channelId, text: 'x'.repeat(40_001) })),
    ).toBe('msg_too_long');
  });

  it('keeps threads one level deep and broadcasts on request', async () => {
    const root = await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'root' });
    const r1 = await w.bob.client.chat.postMessage({
      channel: w.channelId,
      text: 'reply',
      thread_ts: root.ts!,
    });
    // A reply to a reply lands in the same thread.
    await w.bot.chat.postMessage({ channel: w.channelId, text: 'deeper', thread_ts: r1.ts! });
    await w.bob.client.chat.postMessage({
      channel: w.channelId,
      text: 'shout',
      thread_ts: root.ts!,
      reply_broadcast: true,
    });
    const replies = await rawCall(w.sim, 'conversations.replies', w.app.botToken, {
      channel: w.channelId,
      ts: r1.ts!,
    });
    spec.check(spec.method('conversations.replies'), replies.body);
    const msgs = replies.body.messages as Array<Record<string, unknown>>;
    expect(msgs.map((m) => m.text)).toEqual(['root', 'reply', 'deeper', 'shout']);
    expect(msgs[0]).toMatchObject({ reply_count: 3, latest_reply: msgs[3]!.ts });
    expect(msgs[2]).toMatchObject({ thread_ts: root.ts, parent_user_id: w.alice.id });
    const history = await w.bot.conversations.history({ channel: w.channelId });
    expect(history.messages!.map((m) => m.text)).toEqual(['shout', 'root']);
    expect(history.messages![0]!.subtype).toBe('thread_broadcast');
  });

  it('keeps message metadata, shown with include_all_metadata', async () => {
    await w.bot.chat.postMessage({
      channel: w.channelId,
      text: 'tagged',
      metadata: { event_type: 'bridge_message', event_payload: { key: 'k1' } },
    });
    const plain = await w.bot.conversations.history({ channel: w.channelId });
    expect(plain.messages![0]!.metadata).toBeUndefined();
    const withMeta = await w.bot.conversations.history({
      channel: w.channelId,
      include_all_metadata: true,
    });
    expect(withMeta.messages![0]!.metadata).toEqual({
      event_type: 'bridge_message',
      event_payload: { key: 'k1' },
    });
  });
});

describe('conversations', () => {
  it('pages history newest first within oldest/latest', async () => {
    const stamps: string[] = [];
    for (let i = 0; i < 7; i++) {
      stamps.push(
        (await w.alice.client.chat.postMessage({ channel: w.channelId, text: `m${i}` })).ts!,
      );
    }
    const first = await rawCall(w.sim, 'conversations.history', w.app.botToken, {
      channel: w.channelId,
      oldest: stamps[1]!,
      limit: '3',
    });
    spec.check(spec.method('conversations.history'), first.body);
    expect((first.body.messages as Array<{ text: string }>).map((m) => m.text)).toEqual([
      'm6',
      'm5',
      'm4',
    ]);
    expect(first.body.has_more).toBe(true);
    const cursor = (first.body.response_metadata as { next_cursor: string }).next_cursor;
    const second = await w.bot.conversations.history({
      channel: w.channelId,
      oldest: stamps[1]!,
      limit: 3,
      cursor,
    });
    expect(second.messages!.map((m) => m.text)).toEqual(['m3', 'm2']);
    expect(second.has_more).toBe(false);
    const inclusive = await w.bot.conversations.history({
      channel: w.channelId,
      oldest: stamps[1]!,
      latest: stamps[2]!,
      inclusive: true,
    });
    expect(inclusive.messages!.map((m) => m.text)).toEqual(['m2', 'm1']);
  });

  it('describes, lists and joins channels', async () => {
    const info = await rawCall(w.sim, 'conversations.info', w.app.botToken, {
      channel: w.channelId,
    });
    spec.check(spec.method('conversations.info'), info.body);
    expect(info.body.channel).toMatchObject({
      name: 'general',
      is_member: true,
      topic: { value: 'Company-wide' },
    });
    const list = await w.bot.conversations.list({ types: 'public_channel' });
    expect(list.channels!.map((c) => c.name).sort()).toEqual(['general', 'random']);
    expect(await errorOf(w.bot.conversations.history({ channel: w.otherChannelId }))).toBe(
      'not_in_channel',
    );
    await w.bot.conversations.join({ channel: w.otherChannelId });
    const joined = await w.bot.conversations.history({ channel: w.otherChannelId });
    expect(joined.messages![0]).toMatchObject({ subtype: 'channel_join', user: w.app.botUserId });
    const again = await w.bot.conversations.join({ channel: w.otherChannelId });
    expect(again.warning).toBe('already_in_channel');
  });

  it('hides private channels from non-members', async () => {
    const secret = w.sim.createChannel(w.teamId, 'secret', {
      private: true,
      members: [w.alice.id],
    });
    expect(await errorOf(w.bot.conversations.info({ channel: secret.id }))).toBe(
      'channel_not_found',
    );
    const seen = await w.alice.client.conversations.info({ channel: secret.id });
    expect(seen.channel?.is_private).toBe(true);
  });
});

describe('people and reactions', () => {
  it('describes users and bots with avatar URLs that serve images', async () => {
    const raw = await rawCall(w.sim, 'users.info', w.app.botToken, { user: w.alice.id });
    spec.check(spec.method('users.info'), raw.body);
    const user = raw.body.user as { profile: Record<string, string> };
    expect(user.profile).toMatchObject({ display_name: 'alice.a', real_name: 'Alice Andersson' });
    const img = await fetch(user.profile.image_72!);
    expect(img.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await img.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');
    const bot = await w.bot.bots.info({ bot: w.app.botId });
    expect(bot.bot).toMatchObject({ name: 'Matrix Bridge', user_id: w.app.botUserId });
    expect(await errorOf(w.bot.users.info({ user: 'U0NOPE' }))).toBe('user_not_found');
  });

  it('adds and removes reactions, refusing duplicates and unknown names', async () => {
    const { ts } = await w.alice.client.chat.postMessage({ channel: w.channelId, text: 'react' });
    await w.bot.reactions.add({ channel: w.channelId, timestamp: ts!, name: '+1' });
    await w.alice.client.reactions.add({ channel: w.channelId, timestamp: ts!, name: '+1' });
    await w.alice.client.reactions.add({
      channel: w.channelId,
      timestamp: ts!,
      name: 'wave::skin-tone-3',
    });
    expect(w.sim.messages(w.channelId)[0]!.reactions).toEqual([
      { name: '+1', users: [w.app.botUserId, w.alice.id], count: 2 },
      { name: 'wave::skin-tone-3', users: [w.alice.id], count: 1 },
    ]);
    expect(
      await errorOf(w.bot.reactions.add({ channel: w.channelId, timestamp: ts!, name: '+1' })),
    ).toBe('already_reacted');
    expect(
      await errorOf(
        w.bot.reactions.add({ channel: w.channelId, timestamp: ts!, name: 'not_an_emoji' }),
      ),
    ).toBe('invalid_name');
    w.sim.addCustomEmoji(w.teamId, 'not_an_emoji');
    await w.bot.reactions.add({ channel: w.channelId, timestamp: ts!, name: 'not_an_emoji' });
    await w.bot.reactions.remove({ channel: w.channelId, timestamp: ts!, name: '+1' });
    expect(
      await errorOf(w.bot.reactions.remove({ channel: w.channelId, timestamp: ts!, name: '+1' })),
    ).toBe('no_reaction');
    const got = await w.bot.reactions.get({ channel: w.channelId, timestamp: ts! });
    expect(got.message?.reactions?.map((r) => r.name)).toEqual([
      '+1',
      'wave::skin-tone-3',
      'not_an_emoji',
    ]);
  });
});
