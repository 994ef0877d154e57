import { afterEach, describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/connector/contract.js';
import { RemoteApiError } from '../../../src/connector/errors.js';
import { ReactionUnavailableError } from '../../../src/connector/index.js';
import type { FormattedText } from '../../../src/model/message.js';
import { plainText } from '../../../src/model/message.js';
import { BRIDGE_BOT_SCOPES } from '../../../simulators/slack/index.js';
import { waitFor } from '../../contract/fake-context.js';
import { definition } from '../../../connectors/slack/index.js';
import { eventsUpToMarker, startRig, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

let n = 0;
function msg(text: FormattedText | string, extra: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    sender: {
      userId: '@maria:example.org',
      displayName: 'Maria Matrix',
      avatarUrl: 'https://m.example/a.png',
    },
    content: { text: typeof text === 'string' ? plainText(text) : text, attachments: [] },
    idempotencyKey: `k-${Date.now()}-${++n}`,
    ...extra,
  };
}

async function ready(
  mode: 'socket' | 'events' = 'socket',
  opts: Parameters<typeof startRig>[1] = {},
) {
  rig = await startRig(mode, opts);
  await waitFor('connected', () => rig!.ctx.lastState('main')?.status === 'connected');
  return rig;
}

const ref = () => ({ workspace: 'main', channel: rig!.channel });
const byTs = (ts: string) => rig!.sim.messages(rig!.channel).find((m) => m.ts === ts)!;

/** The bridge after a kill: a new connector on the same storage (the old one stopped). */
async function restart(r: Rig) {
  await r.connector.stop();
  const restarted = definition.create(r.ctx, {
    workspaces: {
      main: {
        bot_token: r.app.botToken,
        mode: 'socket',
        api_url: r.sim.apiUrl,
        app_token: r.app.appToken,
      },
    },
  });
  r.ctx.connect(restarted);
  await restarted.start();
  return restarted;
}

describe('sending to Slack', () => {
  it('posts mrkdwn and rich_text under the Matrix sender’s name and avatar', async () => {
    const r = await ready();
    const text: FormattedText = {
      blocks: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'hi ' },
            {
              type: 'mention',
              target: {
                kind: 'remote',
                connector: 'slack',
                workspace: 'main',
                userId: r.alice.id.toLowerCase(),
              },
              text: 'Alice',
            },
            { type: 'text', text: ' <!channel> & ' },
            { type: 'room_mention' },
            { type: 'text', text: ' ' },
            { type: 'bold', children: [{ type: 'text', text: 'now' }] },
          ],
        },
      ],
    };
    const sent = await r.connector.sendMessage(ref(), msg(text));
    const m = byTs(sent.messageIds[0]!);
    expect(m.text).toBe(`hi <@${r.alice.id}> &lt;!channel&gt; &amp; <!channel> *now*`);
    expect(m).toMatchObject({
      username: 'Maria Matrix',
      icons: { image_48: 'https://m.example/a.png' },
    });
    expect(JSON.stringify(m.blocks)).toContain(`{"type":"user","user_id":"${r.alice.id}"}`);
    expect(JSON.stringify(m.blocks)).toContain('{"type":"text","text":" <!channel> & "}');
    expect(await eventsUpToMarker(r)).toEqual([]);
  });

  it('names the sender in the text when the app lacks chat:write.customize', async () => {
    const r = await ready('socket', {
      scopes: BRIDGE_BOT_SCOPES.filter((s) => s !== 'chat:write.customize'),
    });
    expect(r.ctx.lastState('main')?.error).toMatch(/attribution/);
    const sent = await r.connector.sendMessage(ref(), msg('hello'));
    const m = byTs(sent.messageIds[0]!);
    expect(m.text).toBe('*Maria Matrix*: hello');
    expect(m.username).toBeUndefined();
    const emote = await r.connector.sendMessage(
      ref(),
      msg({ blocks: [{ type: 'paragraph', children: [{ type: 'text', text: 'waves' }] }] }, {}),
    );
    expect(byTs(emote.messageIds[0]!).text).toBe('*Maria Matrix*: waves');
    const sneaky = msg('hi');
    sneaky.sender = { userId: '@x:example.org', displayName: '<!channel> <@U0ALL>' };
    const sent2 = await r.connector.sendMessage(ref(), sneaky);
    expect(byTs(sent2.messageIds[0]!).text).toBe('*&lt;!channel&gt; &lt;@U0ALL&gt;*: hi');
    const me = msg('waves');
    me.content.emote = true;
    expect(byTs((await r.connector.sendMessage(ref(), me)).messageIds[0]!).text).toBe(
      '_Maria Matrix waves_',
    );
  });

  it('answers in the root’s thread, also for a reply to a reply', async () => {
    const r = await ready();
    const root = await r.connector.sendMessage(ref(), msg('root'));
    const reply = await r.connector.sendMessage(
      ref(),
      msg('reply', { threadRoot: root.messageIds[0] }),
    );
    const deeper = await r.connector.sendMessage(
      ref(),
      msg('deeper', { replyTo: reply.messageIds[0] }),
    );
    expect(byTs(deeper.messageIds[0]!).thread_ts).toBe(root.messageIds[0]);
  });

  it('spreads a burst over time per channel, in order, without being refused', async () => {
    const r = await ready();
    const t0 = Date.now();
    const sends = Array.from({ length: 5 }, (_, i) =>
      r.connector.sendMessage(ref(), msg(`burst ${i}`)),
    );
    await Promise.all(sends);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1500);
    expect(r.sim.messages(r.channel).map((m) => m.text)).toEqual(
      [0, 1, 2, 3, 4].map((i) => `burst ${i}`),
    );
    expect(r.sim.requestLog().filter((e) => e.status === 429)).toHaveLength(0);
  });

  it('does not post twice when an earlier attempt reached Slack despite failing', async () => {
    const r = await ready();
    r.sim.injectFailures({ method: 'chat.postMessage', status: 503, count: 1, afterEffect: true });
    const m = msg('exactly once');
    const err = await r.connector.sendMessage(ref(), m).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteApiError);
    expect((err as RemoteApiError).retryable).toBe(true);
    const retried = await r.connector.sendMessage(ref(), m);
    const copies = r.sim.messages(r.channel).filter((x) => x.text === 'exactly once');
    expect(copies).toHaveLength(1);
    expect(retried.messageIds).toEqual([copies[0]!.ts]);
  });

  it('does not post twice when the bridge died after Slack took the post (new process, same storage)', async () => {
    const r = await ready();
    // Slack stores the post but the answer never arrives: the process dies before recording.
    r.sim.injectFailures({ method: 'chat.postMessage', status: 503, count: 1, afterEffect: true });
    const m = msg('once across a restart');
    await expect(r.connector.sendMessage(ref(), m)).rejects.toBeInstanceOf(RemoteApiError);
    const restarted = await restart(r);
    try {
      const retried = await restarted.sendMessage(ref(), m);
      const copies = r.sim.messages(r.channel).filter((x) => x.text === 'once across a restart');
      expect(copies).toHaveLength(1);
      expect(retried.messageIds).toEqual([copies[0]!.ts]);
      // A delivery whose first attempt never reached Slack is posted (once).
      r.sim.injectFailures({ method: 'chat.postMessage', error: 'internal_error', count: 1 });
      const lost = msg('refused before the restart');
      await expect(restarted.sendMessage(ref(), lost)).rejects.toBeInstanceOf(RemoteApiError);
      await restarted.sendMessage(ref(), lost);
      expect(
        r.sim.messages(r.channel).filter((x) => x.text === 'refused before the restart'),
      ).toHaveLength(1);
    } finally {
      await restarted.stop();
    }
  });

  it('does not share files twice when the bridge died after Slack shared them (new process, same storage)', async () => {
    const r = await ready();
    r.sim.injectFailures({
      method: 'files.completeUploadExternal',
      status: 503,
      count: 1,
      afterEffect: true,
    });
    const m = msg('the report');
    m.content.attachments.push({
      kind: 'file',
      name: 'report.txt',
      mimetype: 'text/plain',
      data: Buffer.from('report'),
    });
    await expect(r.connector.sendMessage(ref(), m)).rejects.toBeInstanceOf(RemoteApiError);
    const restarted = await restart(r);
    try {
      const retried = await restarted.sendMessage(ref(), m);
      const shares = r.sim
        .messages(r.channel)
        .filter((x) => (x.files ?? []).some((f) => f.name === 'report.txt'));
      expect(shares).toHaveLength(1);
      expect(retried.messageIds).toEqual([shares[0]!.ts]);
    } finally {
      await restarted.stop();
    }
  });

  it.each([500, 503] as const)(
    'shares files on the retry when Slack answered %s before completing the upload',
    async (status) => {
      const r = await ready();
      r.sim.injectFailures({ method: 'files.completeUploadExternal', status, count: 1 });
      const m = msg('the minutes');
      m.content.attachments.push({
        kind: 'file',
        name: 'minutes.txt',
        mimetype: 'text/plain',
        data: Buffer.from('minutes'),
      });
      await expect(r.connector.sendMessage(ref(), m)).rejects.toBeInstanceOf(RemoteApiError);
      // The upload Slack never completed is unknown to files.info: not a reason to give up.
      const retried = await r.connector.sendMessage(ref(), m);
      const shares = r.sim
        .messages(r.channel)
        .filter((x) => (x.files ?? []).some((f) => f.name === 'minutes.txt'));
      expect(shares).toHaveLength(1);
      expect(retried.messageIds).toEqual([shares[0]!.ts]);
    },
  );

  it('splits long text and resumes after the part that failed', async () => {
    const r = await ready();
    const long = Array.from({ length: 900 }, (_, i) => `word${i}`).join(' ');
    r.sim.injectFailures({ method: 'chat.postMessage', error: 'internal_error', count: 1 });
    const m = msg(long);
    // First part refused with a transient error: nothing posted yet.
    await expect(r.connector.sendMessage(ref(), m)).rejects.toBeInstanceOf(RemoteApiError);
    const sent = await r.connector.sendMessage(ref(), m);
    expect(sent.messageIds.length).toBe(2);
    const texts = r.sim.messages(r.channel).map((x) => x.text);
    expect(texts).toHaveLength(2);
    expect(texts.join(' ').replace(/\s+/g, ' ')).toBe(long);
    expect(r.sim.messages(r.channel)[0]!.blocks).toBeUndefined();
  });

  it('uploads files with a named caption into the thread, and reports where they landed', async () => {
    const r = await ready();
    const root = await r.connector.sendMessage(ref(), msg('root'));
    const m = msg('the notes', { threadRoot: root.messageIds[0] });
    m.content.attachments.push({
      kind: 'file',
      name: 'notes.txt',
      mimetype: 'text/plain',
      data: Buffer.from('notes'),
    });
    m.content.attachments.push({
      kind: 'image',
      name: 'pic.png',
      mimetype: 'image/png',
      data: Buffer.from('89504e47', 'hex'),
    });
    const sent = await r.connector.sendMessage(ref(), m);
    expect(sent.messageIds).toHaveLength(1);
    const share = byTs(sent.messageIds[0]!);
    expect(share).toMatchObject({
      subtype: 'file_share',
      thread_ts: root.messageIds[0],
      text: '*Maria Matrix*: the notes',
    });
    expect(share.files!.map((f) => f.name)).toEqual(['notes.txt', 'pic.png']);
    expect(await eventsUpToMarker(r)).toEqual([]);
  });

  it('edits, reacts and deletes without echoes', async () => {
    const r = await ready();
    const {
      messageIds: [ts],
    } = await r.connector.sendMessage(ref(), msg('first'));
    await r.connector.editMessage!(
      ref(),
      ts!,
      msg({
        blocks: [
          {
            type: 'paragraph',
            children: [{ type: 'italic', children: [{ type: 'text', text: 'second' }] }],
          },
        ],
      }),
    );
    expect(byTs(ts!)).toMatchObject({ text: '_second_', edited: { user: r.app.botUserId } });
    expect(JSON.stringify(byTs(ts!).blocks)).toContain('"italic":true');
    await r.connector.addReaction!(ref(), ts!, '👋🏼');
    await r.connector.addReaction!(ref(), ts!, '👋🏼');
    await r.connector.addReaction!(ref(), ts!, '❤️');
    r.sim.addCustomEmoji(r.teamId, 'partyparrot');
    await r.connector.addReaction!(ref(), ts!, ':partyparrot:');
    expect(byTs(ts!).reactions!.map((x) => x.name)).toEqual([
      'wave::skin-tone-3',
      'heart',
      'partyparrot',
    ]);
    // Slack refuses the name (`invalid_name`), or the bridge has none: the sender is told.
    await expect(r.connector.addReaction!(ref(), ts!, ':no_such_emoji:')).rejects.toBeInstanceOf(
      ReactionUnavailableError,
    );
    await expect(r.connector.addReaction!(ref(), ts!, '\u{E000}')).rejects.toBeInstanceOf(
      ReactionUnavailableError,
    );
    // Removing what was never added is nothing to do.
    await r.connector.removeReaction!(ref(), ts!, ':no_such_emoji:');
    await r.connector.removeReaction!(ref(), ts!, '\u{E000}');
    await r.connector.removeReaction!(ref(), ts!, '❤');
    await r.connector.removeReaction!(ref(), ts!, '❤');
    expect(byTs(ts!).reactions!.map((x) => x.name)).toEqual(['wave::skin-tone-3', 'partyparrot']);
    await r.connector.deleteMessage!(ref(), ts!);
    await r.connector.deleteMessage!(ref(), ts!);
    expect(r.sim.messages(r.channel)).toHaveLength(0);
    expect(await eventsUpToMarker(r)).toEqual([]);
  });

  it('fails permanently on a channel the bot cannot post in', async () => {
    const r = await ready();
    const other = r.sim.createChannel(r.teamId, 'closed', { members: [r.alice.id] });
    const err = await r.connector
      .sendMessage({ workspace: 'main', channel: other.id }, msg('x'))
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RemoteApiError);
    expect((err as RemoteApiError).retryable).toBe(false);
    expect((err as RemoteApiError).message).toMatch(/not_in_channel/);
  });
});
