/* eslint-disable @typescript-eslint/no-explicit-any -- these tests walk untyped Graph and Bot Framework JSON */
import { afterEach, describe, expect, it } from 'vitest';
import { BOT_CONVERSATION_WINDOWS, SlidingWindows } from '../../../simulators/teams/limits.js';
import { clientCredentials, simWorld, trustingFetch, type SimWorld } from './helpers.js';
import { loadBotFrameworkSpec, loadGraphSpec } from './spec.js';

const bf = loadBotFrameworkSpec();
const graphSpec = loadGraphSpec();
let w: SimWorld | undefined;

afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function connector(world: SimWorld) {
  const tok = await clientCredentials(
    world.sim,
    world.tenant,
    world.app.appId,
    world.app.password,
    'https://api.botframework.com/.default',
  );
  const doFetch = trustingFetch(world.sim);
  return async (method: string, path: string, body?: unknown) => {
    const res = await doFetch(`${world.sim.serviceUrl}v3/${path}`, {
      method,
      headers: {
        authorization: `Bearer ${String(tok.body.access_token)}`,
        'content-type': 'application/json',
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    };
  };
}

const conv = (id: string) => `conversations/${encodeURIComponent(id)}`;

describe('the Teams channel POSTs activities', () => {
  it('for messages, thread replies with mentions, edits, deletes and reactions, in order and per the spec', async () => {
    w = await simWorld();
    w.sim.control.installBot(w.app.appId, w.teamId);
    const install = await w.bot.next((a) => a.type === 'conversationUpdate');
    bf.check('Activity', install.body);
    expect(install.body.membersAdded).toEqual([{ id: `28:${w.app.appId}` }]);

    const root = w.sim.control.post(w.alice.id, w.channelId, 'root <b>text</b>');
    const reply = w.sim.control.post(w.bob.id, w.channelId, 'hi', {
      replyTo: root,
      mentions: [w.alice.id],
    });
    w.sim.control.edit(root, 'root edited');
    w.sim.control.react(w.bob.id, root, 'heart');
    w.sim.control.unreact(w.bob.id, root, 'heart');
    w.sim.control.remove(reply);
    await w.sim.idle();
    const acts = w.bot.received.map((r) => r.body).filter((a) => a.type !== 'conversationUpdate');
    expect(acts.map((a) => a.type)).toEqual([
      'message',
      'message',
      'messageUpdate',
      'messageReaction',
      'messageReaction',
      'messageDelete',
    ]);
    for (const a of acts) bf.check('Activity', a);

    const [rootAct, replyAct, editAct, reactAct, unreactAct, deleteAct] = acts as Array<
      Record<string, any>
    >;
    expect(rootAct!.id).toBe(root);
    expect(rootAct!.conversation.id).toBe(`${w.channelId};messageid=${root}`);
    expect(rootAct!.conversation.conversationType).toBe('channel');
    expect(rootAct!.from).toEqual({
      id: w.alice.bfId,
      name: 'Alice Andersson',
      aadObjectId: w.alice.id,
    });
    expect(rootAct!.channelData).toMatchObject({
      tenant: { id: w.tenant },
      team: { aadGroupId: w.teamId },
      channel: { id: w.channelId },
    });
    expect(rootAct!.attachments[0]).toEqual({
      contentType: 'text/html',
      content: '<div><p>root &lt;b&gt;text&lt;/b&gt;</p></div>',
    });
    expect(replyAct!.conversation.id).toBe(`${w.channelId};messageid=${root}`);
    expect(replyAct!.replyToId).toBe(root);
    expect(replyAct!.text).toContain('<at>Alice Andersson</at>');
    expect(replyAct!.entities[0]).toEqual({
      type: 'mention',
      text: '<at>Alice Andersson</at>',
      mentioned: { id: w.alice.bfId, name: 'Alice Andersson' },
    });
    expect(editAct!.channelData.eventType).toBe('editMessage');
    expect(Date.parse(editAct!.timestamp)).toBeGreaterThan(Number(root));
    expect(reactAct!).toMatchObject({
      replyToId: root,
      reactionsAdded: [{ type: 'heart' }],
      from: { aadObjectId: w.bob.id },
    });
    expect(unreactAct!.reactionsRemoved).toEqual([{ type: 'heart' }]);
    expect(deleteAct!).toMatchObject({
      id: reply,
      channelData: { eventType: 'softDeleteMessage' },
    });
  });

  it('drops deliveries on request, and without RSC only the install reaches the bot', async () => {
    w = await simWorld();
    w.sim.control.installBot(w.app.appId, w.teamId);
    await w.sim.idle();
    w.sim.dropDeliveries(1);
    const lost = w.sim.control.post(w.alice.id, w.channelId, 'lost');
    const kept = w.sim.control.post(w.alice.id, w.channelId, 'kept');
    await w.bot.next((a) => a.id === kept);
    expect(w.bot.received.some((r) => r.body.id === lost)).toBe(false);
    expect(w.sim.deliveries().find((d) => d.activityId === lost)?.status).toBe(-1);

    const chat = w.sim.control.createChat(w.tenant, [w.alice.id, w.bob.id], 'No RSC');
    w.sim.control.installBot(w.app.appId, chat, { rsc: false });
    w.sim.control.post(w.alice.id, chat, 'unseen');
    await w.sim.idle();
    expect(
      w.bot.received
        .filter((r) => (r.body.conversation as { id: string }).id === chat)
        .map((r) => r.body.type),
    ).toEqual(['conversationUpdate']);
  });
});

describe('Bot Connector service', () => {
  it('sends, replies in threads, updates and deletes, as Graph then shows', async () => {
    w = await simWorld();
    w.sim.control.installBot(w.app.appId, w.teamId);
    const call = await connector(w);
    const activity = {
      type: 'message',
      textFormat: 'xml',
      text: '<p><strong>Maria</strong></p><p>hi <at>Alice Andersson</at></p>',
      entities: [
        {
          type: 'mention',
          text: '<at>Alice Andersson</at>',
          mentioned: { id: w.alice.id, name: 'Alice Andersson' },
        },
      ],
    };
    bf.check('Activity', activity);
    const sent = await call('POST', `${conv(w.channelId)}/activities`, activity);
    expect(sent.status).toBe(201);
    bf.check('ResourceResponse', sent.body);
    const id = String(sent.body.id);

    const threaded = await call('POST', `${conv(`${w.channelId};messageid=${id}`)}/activities`, {
      type: 'message',
      text: 'in thread',
    });
    const replied = await call(
      'POST',
      `${conv(w.channelId)}/activities/${threaded.body.id as string}`,
      { type: 'message', text: 'reply to reply' },
    );
    expect(replied.status).toBe(201);
    const created = await call('POST', 'conversations', {
      isGroup: true,
      channelData: { channel: { id: w.channelId } },
      activity: { type: 'message', text: 'new thread' },
    });
    bf.check('ConversationResourceResponse', created.body);
    expect(created.body.id).toBe(`${w.channelId};messageid=${created.body.activityId as string}`);

    const msgs = w.sim.control.messages(w.channelId);
    for (const m of msgs) graphSpec.check('chatMessage', m);
    const first = msgs.find((m) => m.id === id) as Record<string, any>;
    expect(first.from.application).toMatchObject({
      id: w.app.appId,
      displayName: 'Bridge',
      applicationIdentityType: 'bot',
    });
    expect(first.body.content).toBe(
      '<p><strong>Maria</strong></p><p>hi <at id="0">Alice Andersson</at></p>',
    );
    expect(first.mentions[0].mentioned.user.id).toBe(w.alice.id);
    expect(msgs.filter((m) => m.replyToId === id).map((m) => m.id)).toEqual([
      threaded.body.id,
      replied.body.id,
    ]);

    expect(
      (
        await call('PUT', `${conv(w.channelId)}/activities/${id}`, {
          type: 'message',
          text: 'changed',
        })
      ).status,
    ).toBe(200);
    expect((w.sim.control.messages(w.channelId).find((m) => m.id === id) as any).body.content).toBe(
      'changed',
    );
    expect((await call('DELETE', `${conv(w.channelId)}/activities/${id}`)).status).toBe(200);
    expect(w.sim.control.messages(w.channelId).some((m) => m.id === id)).toBe(false);

    const userMsg = w.sim.control.post(w.alice.id, w.channelId, 'mine');
    expect(
      (
        await call('PUT', `${conv(w.channelId)}/activities/${userMsg}`, {
          type: 'message',
          text: 'x',
        })
      ).status,
    ).toBe(403);
  });

  it('stores inline images as hosted contents and cards as attachments', async () => {
    w = await simWorld();
    w.sim.control.installBot(w.app.appId, w.teamId);
    const call = await connector(w);
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const sent = await call('POST', `${conv(w.channelId)}/activities`, {
      type: 'message',
      text: 'files',
      attachments: [
        {
          contentType: 'image/png',
          contentUrl: `data:image/png;base64,${png.toString('base64')}`,
          name: 'p.png',
        },
        {
          contentType: 'application/vnd.microsoft.card.hero',
          name: 'notes.txt',
          content: {
            title: 'notes.txt',
            buttons: [{ type: 'openUrl', title: 'Open', value: 'https://x/notes.txt' }],
          },
        },
      ],
    });
    const m = w.sim.control.messages(w.channelId).find((x) => x.id === sent.body.id) as Record<
      string,
      any
    >;
    graphSpec.check('chatMessage', m);
    const src = /<img src="([^"]+)"/.exec(m.body.content)![1]!;
    const res = await trustingFetch(w.sim)(src, {
      headers: { authorization: `Bearer ${w.sim.control.userToken(w.alice.id, w.app.appId)}` },
    });
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
    expect(m.attachments[0]).toMatchObject({
      contentType: 'application/vnd.microsoft.card.hero',
      name: 'notes.txt',
    });
    expect(m.body.content).toContain(`<attachment id="${m.attachments[0].id}"></attachment>`);
  });

  it('limits sends per bot and conversation to 7 per second and 8 per 2 s', () => {
    // Teams' windows on a given clock: a burst over HTTP cannot be timed to the millisecond.
    const rate = new SlidingWindows(BOT_CONVERSATION_WINDOWS);
    const t0 = 1_000_000;
    const burst = Array.from({ length: 8 }, () => rate.take('bot|conv', t0));
    expect(burst).toEqual([0, 0, 0, 0, 0, 0, 0, 1000]);
    expect(rate.take('bot|other', t0)).toBe(0);
    expect(rate.take('bot|conv', t0 + 1000)).toBe(0);
    expect(rate.take('bot|conv', t0 + 1000)).toBe(1000); // the 8 per 2 s window
    expect(rate.take('bot|conv', t0 + 2000)).toBe(0);
  });

  it('enforces the roster, the 40 KB limit, and the per-conversation rate with Retry-After', async () => {
    // Teams' 7 per 1 s and 8 per 2 s stretched to minutes: the burst below lands in them
    // however slow the machine (the windows themselves are checked on a given clock above).
    w = await simWorld({
      connectorWindows: [
        { limit: 7, windowMs: 60_000 },
        { limit: 8, windowMs: 120_000 },
      ],
    });
    const call = await connector(w);
    const notInstalled = await call('POST', `${conv(w.channelId)}/activities`, {
      type: 'message',
      text: 'x',
    });
    expect(notInstalled.status).toBe(403);
    expect(notInstalled.body).toMatchObject({ error: { code: 'BotNotInConversationRoster' } });
    bf.check('ErrorResponse', notInstalled.body);

    w.sim.control.installBot(w.app.appId, w.teamId);
    const big = await call('POST', `${conv(w.channelId)}/activities`, {
      type: 'message',
      text: 'x'.repeat(41 * 1024),
    });
    expect(big.status).toBe(413);

    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 9; i++) {
      const r = await call('POST', `${conv(w.channelId)}/activities`, {
        type: 'message',
        text: `burst ${i}`,
      });
      statuses.push(r.status);
      retryAfter ??= r.headers.get('retry-after');
    }
    expect(statuses.slice(0, 7)).toEqual(Array(7).fill(201));
    expect(statuses.slice(7)).toEqual([429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);

    w.sim.injectFailures({
      status: 503,
      count: 1,
      retryAfterSec: 2,
      pattern: /^POST \/amer\/v3\/conversations\/[^/]+\/activities$/,
    });
    // An injected failure is answered before the rate is looked at.
    const failed = await call('POST', `${conv(w.channelId)}/activities`, {
      type: 'message',
      text: 'after',
    });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBe('2');

    const member = await call(
      'GET',
      `${conv(w.channelId)}/members/${encodeURIComponent(w.alice.bfId)}`,
    );
    expect(member.body).toMatchObject({
      id: w.alice.bfId,
      name: 'Alice Andersson',
      aadObjectId: w.alice.id,
    });
    bf.check('ChannelAccount', {
      id: member.body.id,
      name: member.body.name,
      aadObjectId: member.body.aadObjectId,
    });
  });
});
