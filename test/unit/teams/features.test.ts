import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormattedText } from '../../../src/model/message.js';
import { NeedsOwnAccountError, UnsupportedError } from '../../../src/connector/errors.js';
import { FileRefusedError } from '../../../src/connector/file-url.js';
import { forEachInline } from '../../../src/format/index.js';
import { markerHtml } from '../../../connectors/teams/send-ledger.js';
import { waitFor } from '../../contract/fake-context.js';
import { messageEventFor, outbound, teamsWorld, type TeamsTestWorld } from './world.js';

let w: TeamsTestWorld;
const contoso = (channel: string) => ({ workspace: 'contoso', channel });
type GraphView = {
  id: string;
  replyToId: string | null;
  body: { content: string };
  from: { user: { id: string } | null; application: { id: string } | null };
  mentions: Array<{ id: number; mentioned: { user: { id: string } } }>;
  attachments: Array<{ contentType: string; name: string | null; content: string | null }>;
};
const view = (channel: string) => w.sim.control.messages(channel) as unknown as GraphView[];

beforeAll(async () => {
  w = await teamsWorld();
}, 60_000);
afterAll(() => w?.close());

describe('directory', () => {
  it('describes channels, chats and users, serves avatars and lists channels', async () => {
    expect(await w.connector.getChatInfo(contoso(w.channelId))).toEqual({
      name: 'Projects',
      topic: 'Project talk',
      visibility: 'public',
    });
    expect((await w.connector.getChatInfo(contoso(w.chatId))).name).toBe('Planning');
    const alice = await w.connector.getUserInfo('contoso', w.alice.id);
    expect(alice.displayName).toBe('Alice Andersson');
    expect(alice.avatarId).toBeTruthy();
    expect(
      (await w.connector.downloadAvatar('contoso', w.alice.id, alice.avatarId!)).data.toString(),
    ).toBe('alice-photo');
    expect((await w.connector.getUserInfo('contoso', w.bob.id)).avatarId).toBeUndefined();
    const channels = await w.connector.listChannels('contoso');
    expect(channels).toEqual(
      expect.arrayContaining([
        {
          workspace: 'contoso',
          channel: w.channelId,
          name: 'Agency / Projects',
          visibility: 'public',
        },
      ]),
    );
    expect(channels.map((c) => c.name)).toContain('Agency / General');
  });
});

describe('Teams → bridge', () => {
  it('resolves <at> mentions to the mentioned user’s AAD id', async () => {
    const id = w.sim.control.post(w.bob.id, w.channelId, 'ping', { mentions: [w.alice.id] });
    const e = await messageEventFor(w.ctx, id);
    expect(e.sender.userId).toBe(w.bob.id);
    const mentions: unknown[] = [];
    forEachInline(e.content.text.blocks, (n) => n.type === 'mention' && mentions.push(n));
    expect(mentions).toEqual([
      {
        type: 'mention',
        target: { kind: 'remote', connector: 'teams', workspace: 'contoso', userId: w.alice.id },
        text: 'Alice Andersson',
      },
    ]);
  });

  it('carries group chats, thread replies, edits, deletes and inline images', async () => {
    const chatMsg = w.sim.control.post(w.alice.id, w.chatId, 'in the chat');
    expect((await messageEventFor(w.ctx, chatMsg)).channel).toBe(w.chatId);

    const alice = w.graphAs(w.alice.id);
    const base = `/teams/${w.teamId}/channels/${w.channelId}/messages`;
    const root = (await alice.api(base).post({ body: { content: 'root' } })) as { id: string };
    const png = Buffer.from('89504e470d0a1a0a0000', 'hex');
    const reply = (await alice.api(`${base}/${root.id}/replies`).post({
      body: { contentType: 'html', content: 'look <img src="../hostedContents/1/$value">' },
      hostedContents: [
        {
          '@microsoft.graph.temporaryId': '1',
          contentBytes: png.toString('base64'),
          contentType: 'image/png',
        },
      ],
    })) as { id: string };
    const replyEvent = await messageEventFor(w.ctx, reply.id);
    expect(replyEvent.threadRoot).toBe(root.id);
    const image = replyEvent.content.attachments[0]!;
    expect(image.kind).toBe('image');
    expect(
      (await w.connector.downloadFile(contoso(w.channelId), image.fileId)).data.equals(png),
    ).toBe(true);
    await expect(
      w.connector.downloadFile(contoso(w.channelId), 'share:aHR0cDovL2V2aWwuZXhhbXBsZS8'),
    ).rejects.toBeInstanceOf(FileRefusedError);

    await alice
      .api(`${base}/${root.id}/replies/${reply.id}`)
      .patch({ body: { content: 'look again' } });
    const edit = await w.event('edit', (e) => e.messageId === reply.id);
    expect(JSON.stringify(edit.content.text)).toContain('look again');
    await alice.api(`${base}/${root.id}/replies/${reply.id}/softDelete`).post({});
    await w.event('delete', (e) => e.messageId === reply.id);
  });
});

describe('bridge → Teams as the bot', () => {
  it('attributes the Matrix sender with name and avatar and mentions Teams users natively', async () => {
    const text: FormattedText = {
      blocks: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'hello ' },
            {
              type: 'mention',
              target: {
                kind: 'remote',
                connector: 'teams',
                workspace: 'contoso',
                userId: w.alice.id,
              },
              text: 'Alice Andersson',
            },
          ],
        },
      ],
    };
    const message = outbound(text);
    const [id] = (await w.connector.sendMessage(contoso(w.channelId), message)).messageIds;
    const m = view(w.channelId).find((x) => x.id === id)!;
    expect(m.from.application?.id).toBe(w.app.appId);
    expect(m.body.content).toBe(
      '<p><img src="https://matrix.example.org/avatar/maria.png" alt="" width="16" height="16"> <strong>Maria Matrix</strong></p><p>hello <at id="0">Alice Andersson</at></p>' +
        markerHtml(message.idempotencyKey, 0),
    );
    expect(m.mentions[0]!.mentioned.user.id).toBe(w.alice.id);
  });

  it('replies into the thread of a reply’s root', async () => {
    const root = w.sim.control.post(w.alice.id, w.channelId, 'question');
    const reply = w.sim.control.post(w.bob.id, w.channelId, 'an answer', { replyTo: root });
    await messageEventFor(w.ctx, reply);
    const [id] = (
      await w.connector.sendMessage(
        contoso(w.channelId),
        outbound('reply to the reply', { replyTo: reply }),
      )
    ).messageIds;
    expect(view(w.channelId).find((x) => x.id === id)?.replyToId).toBe(root);
  });

  it('splits messages over 40 KB into parts, in order, continuing in the first part’s thread', async () => {
    const paragraphs = Array.from(
      { length: 40 },
      (_, i) => `paragraph ${i} ${'lorem ipsum '.repeat(250)}`,
    );
    const sent = await w.connector.sendMessage(
      contoso(w.channelId),
      outbound(paragraphs.join('\n\n')),
    );
    expect(sent.messageIds.length).toBeGreaterThan(2);
    const parts = sent.messageIds.map((id) => view(w.channelId).find((x) => x.id === id)!);
    expect(parts.slice(1).every((p) => p.replyToId === sent.messageIds[0])).toBe(true);
    const joined = parts.map((p) => p.body.content).join('');
    for (const [i] of paragraphs.entries()) expect(joined).toContain(`paragraph ${i} `);
    expect(joined.indexOf('paragraph 39 ')).toBeGreaterThan(joined.indexOf('paragraph 0 '));
    expect(w.sim.requestLog().some((r) => r.status === 413)).toBe(false);
  });

  it('keeps sends to one channel in order and within Teams’ rate', async () => {
    const before = w.sim.requestLog().length;
    const sends = Array.from({ length: 12 }, (_, i) =>
      w.connector.sendMessage(contoso(w.chatId), outbound(`burst ${i}`)),
    );
    const ids = (await Promise.all(sends)).map((s) => s.messageIds[0]);
    const texts = view(w.chatId)
      .filter((m) => ids.includes(m.id))
      .map((m) => /burst (\d+)/.exec(m.body.content)?.[1]);
    expect(texts).toEqual(Array.from({ length: 12 }, (_, i) => String(i)));
    expect(
      w.sim
        .requestLog()
        .slice(before)
        // The sends: background Graph reads (catch-up, directory) have their own limits.
        .filter((r) => r.method !== 'GET' && r.status === 429),
    ).toEqual([]);
  });

  it('sends small images inline, other files as SharePoint cards in channels, and says so in chats', async () => {
    const png = Buffer.from('89504e470d0a1a0a', 'hex');
    const msg = outbound('files');
    msg.content.attachments.push({
      kind: 'image',
      name: 'dot.png',
      mimetype: 'image/png',
      data: png,
    });
    msg.content.attachments.push({
      kind: 'file',
      name: 'plan.pdf',
      mimetype: 'application/pdf',
      data: Buffer.from('%PDF plan'),
    });
    const sent = await w.connector.sendMessage(contoso(w.channelId), msg);
    const m = view(w.channelId).find((x) => x.id === sent.messageIds[0])!;
    expect(m.body.content).toMatch(/<img src="[^"]+\/hostedContents\/[0-9a-f]+\/\$value"/);
    const card = m.attachments.find((a) => a.name === 'plan.pdf')!;
    expect(card.contentType).toBe('application/vnd.microsoft.card.hero');
    const url = (JSON.parse(card.content!) as { buttons: Array<{ value: string }> }).buttons[0]!
      .value;
    expect(w.sim.control.file(url)?.data.toString()).toBe('%PDF plan');

    const inChat = outbound('chat file');
    inChat.content.attachments.push({
      kind: 'file',
      name: 'plan.pdf',
      mimetype: 'application/pdf',
      data: Buffer.from('x'),
    });
    const chatSent = await w.connector.sendMessage(contoso(w.chatId), inChat);
    expect(view(w.chatId).find((x) => x.id === chatSent.messageIds[0])!.body.content).toContain(
      'plan.pdf',
    );
  });

  it('still sends the text, with a note, when a file cannot be uploaded (permission missing)', async () => {
    w.sim.control.setApplicationPermission(w.app.appId, 'Files.ReadWrite.All', false);
    w.sim.expireTokens(); // the next app token carries the reduced permissions
    const msg = outbound('the text survives');
    msg.content.attachments.push({
      kind: 'file',
      name: 'secret.pdf',
      mimetype: 'application/pdf',
      data: Buffer.from('%PDF'),
    });
    const sent = await w.connector.sendMessage(contoso(w.channelId), msg);
    const content = view(w.channelId).find((m) => m.id === sent.messageIds[0])!.body.content;
    expect(content).toContain('the text survives');
    expect(content).toContain('secret.pdf</em>: this file could not be shared here');
    w.sim.control.setApplicationPermission(w.app.appId, 'Files.ReadWrite.All', true);
    w.sim.expireTokens();
  });

  it('refuses outbound reactions from Matrix users without a linked account, saying how to link', async () => {
    const id = w.sim.control.post(w.alice.id, w.channelId, 'react to me');
    await expect(w.connector.addReaction(contoso(w.channelId), id, '👍')).rejects.toBeInstanceOf(
      NeedsOwnAccountError,
    );
    const nobody = { userId: '@nobody:example.org', displayName: 'Nobody' };
    await expect(w.connector.addReaction(contoso(w.channelId), id, '👍', nobody)).rejects.toThrow(
      '!login teams contoso',
    );
    // Taking back a reaction that never crossed needs no notice.
    await expect(
      w.connector.removeReaction(contoso(w.channelId), id, '👍', nobody),
    ).rejects.toBeInstanceOf(UnsupportedError);
  });
});

describe('personal chats', () => {
  it('carries the bot’s one-to-one chat both ways, live and through catch-up', async () => {
    const live = w.sim.control.post(w.alice.id, w.personalId, 'hello bot');
    expect((await messageEventFor(w.ctx, live)).channel).toBe(w.personalId);
    expect((await w.connector.getChatInfo(contoso(w.personalId))).name).toBe(
      'Chat with Alice Andersson',
    );
    const [answer] = (await w.connector.sendMessage(contoso(w.personalId), outbound('hello Alice')))
      .messageIds;
    expect(view(w.personalId).find((m) => m.id === answer)?.from.application?.id).toBe(w.app.appId);

    w.sim.dropDeliveries(1);
    const lost = w.sim.control.post(w.alice.id, w.personalId, 'lost in the personal chat');
    await waitFor('the caught-up personal message', () =>
      w.ctx.events.some((e) => e.kind === 'message' && e.messageId === lost),
    );
  });
});

describe('catch-up', () => {
  it('recovers a lost chat message through Graph', async () => {
    w.sim.dropDeliveries(1);
    const id = w.sim.control.post(w.bob.id, w.chatId, 'lost on the way');
    const e = await waitFor('the caught-up message', () =>
      w.ctx.events.find((x) => x.kind === 'message' && x.messageId === id),
    );
    expect(e.eventKey).toBe(`msg:${id}`);
  });

  it('reports bad_credentials without registering for activities', async () => {
    const bad = await w.start({
      ...w.config,
      workspaces: {
        contoso: { ...(w.config.workspaces as { contoso: object }).contoso, app_password: 'wrong' },
      },
    });
    expect(bad.ctx.lastState('contoso')).toMatchObject({ status: 'bad_credentials' });
    expect(bad.ctx.lastState('contoso')?.error).not.toContain('wrong');
    await bad.connector.stop();
    // The working connector still receives activities.
    const id = w.sim.control.post(w.alice.id, w.channelId, 'still here');
    await messageEventFor(w.ctx, id);
  });
});
