/**
 * The connector contract suite: what the core relies on from every connector, checked
 * against each platform's simulator. A connector's `*.contract.test.ts` calls
 * `runContractSuite(target)`.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../src/connector/capabilities.js';
import type { Connector, OutboundMessage } from '../../src/connector/contract.js';
import { RemoteApiError } from '../../src/connector/errors.js';
import type { MessageEvent, RemoteEvent } from '../../src/connector/events.js';
import type { FormattedText } from '../../src/model/message.js';
import { plainText } from '../../src/model/message.js';
import { toPlainText } from '../../src/format/plain.js';
import { RecordingContext, waitFor } from './fake-context.js';
import type { ContractTarget, ContractWorld } from './target.js';
import { startWebhookServer, type WebhookServer } from './webhook-server.js';

let sendCounter = 0;

function outbound(
  text: FormattedText | string,
  extra: Partial<OutboundMessage> = {},
): OutboundMessage {
  return {
    sender: { userId: '@maria:example.org', displayName: 'Maria Matrix' },
    content: { text: typeof text === 'string' ? plainText(text) : text, attachments: [] },
    idempotencyKey: `contract-${Date.now()}-${++sendCounter}`,
    ...extra,
  };
}

const textOf = (e: RemoteEvent) =>
  e.kind === 'message' || e.kind === 'edit' ? toPlainText(e.content.text) : '';

export function runContractSuite(target: ContractTarget): void {
  describe(`connector contract: ${target.name}`, () => {
    let webhooks: WebhookServer;
    let world: ContractWorld;
    let ctx: RecordingContext;
    let connector: Connector;
    const extra: Connector[] = [];

    const start = async (
      config: unknown,
      store?: Map<string, string>,
      linkedAt = Date.now() - 1000,
    ) => {
      const links = [{ ...world.channel, linkedAt }];
      const c = new RecordingContext(target.definition.id, links, webhooks.router, store);
      const conn = target.definition.create(c, config as never);
      c.connect(conn);
      extra.push(conn);
      await conn.start().catch(() => undefined);
      return { ctx: c, connector: conn };
    };
    const connected = (c: RecordingContext) =>
      waitFor(
        'the connector to report connected',
        () => c.lastState(world.channel.workspace)?.status === 'connected',
      );
    const messageEvent = (c: RecordingContext, id: string) =>
      waitFor(`a message event for ${id}`, () =>
        c.events.find((e): e is MessageEvent => e.kind === 'message' && e.messageId === id),
      );
    /**
     * Posts a marker on the platform and waits for its event. Events of a channel arrive in
     * order, so whatever the connector would emit for earlier activity has been emitted by
     * then: the positive marker that ends a "nothing else arrives" check.
     */
    const settled = async (c: RecordingContext) => {
      await messageEvent(c, await world.post('marker: everything before me has been seen'));
    };
    const remoteMessage = (
      pred: (m: Awaited<ReturnType<ContractWorld['messages']>>[number]) => boolean,
    ) => waitFor('the message on the platform', async () => (await world.messages()).find(pred));

    beforeAll(async () => {
      webhooks = await startWebhookServer();
      world = await target.setup({ webhookBase: `${webhooks.url}/_bridge/webhooks` });
      ({ ctx, connector } = await start(world.config));
      await connected(ctx);
    });
    afterEach(async () => {
      while (extra.length > 1) await extra.pop()!.stop();
    });
    afterAll(async () => {
      await connector?.stop();
      await world?.close();
      await webhooks?.close();
    });

    it('reports bad_credentials for a refused token, without throwing out of the process', async () => {
      const bad = await start(world.badCredentialsConfig);
      await waitFor(
        'bad_credentials',
        () => bad.ctx.lastState(world.channel.workspace)?.status === 'bad_credentials',
      );
      const state = bad.ctx.lastState(world.channel.workspace)!;
      expect(state.error ?? '').not.toMatch(/xox|token=|Bearer /i);
      // The core's error line names the very key to fix and the address tried.
      const block = `connectors.${target.definition.id}.workspaces.${world.channel.workspace}.`;
      expect(state.configKey?.startsWith(block), state.configKey).toBe(true);
      expect(state.url).toMatch(/^[a-z]+:\/\/\S+$/);
    });

    it('describes the channel and the user', async () => {
      expect((await connector.getChatInfo(world.channel)).name).toBe(world.channelName);
      expect(
        (await connector.getUserInfo(world.channel.workspace, world.user.id)).displayName,
      ).toBe(world.user.displayName);
    });

    it('emits a posted message exactly once, as its author, with a stable key', async () => {
      const id = await world.post('hello from the platform');
      const event = await messageEvent(ctx, id);
      expect(event.sender.userId).toBe(world.user.id);
      expect(event.channel).toBe(world.channel.channel);
      expect(textOf(event)).toBe('hello from the platform');
      await settled(ctx);
      expect(ctx.events.filter((e) => e.eventKey === event.eventKey)).toHaveLength(1);
    });

    it('emits thread replies with their root', async () => {
      const root = await world.post('thread root');
      const reply = await world.post('in the thread', { threadRoot: root });
      expect((await messageEvent(ctx, reply)).threadRoot).toBe(root);
    });

    it('emits edits, reactions and deletes in order', async () => {
      const id = await world.post('to be changed');
      await messageEvent(ctx, id);
      await world.edit(id, 'changed');
      await world.react(id, target.emoji.name);
      await world.unreact(id, target.emoji.name);
      await world.remove(id);
      const kinds = await waitFor('edit, reaction, removal and delete', () => {
        const mine = ctx.events.filter(
          (e) => 'messageId' in e && e.messageId === id && e.kind !== 'message',
        );
        return mine.length >= 4 && mine;
      });
      expect(kinds.map((e) => e.kind)).toEqual(['edit', 'reaction', 'reaction_remove', 'delete']);
      expect(textOf(kinds[0]!)).toBe('changed');
      for (const r of kinds.slice(1, 3)) {
        expect(r.kind === 'reaction' || r.kind === 'reaction_remove' ? r.key : '').toBe(
          target.emoji.unicode,
        );
      }
    });

    it('emits files and downloads their bytes', async () => {
      const bytes = Buffer.from('%PDF-1.4 contract file\n');
      const id = await world.postFile('report.pdf', bytes, 'application/pdf', 'the report');
      const event = await messageEvent(ctx, id);
      const file = event.content.attachments.find((a) => a.name === 'report.pdf');
      expect(file).toBeDefined();
      expect(connector.downloadFile).toBeDefined();
      const got = await connector.downloadFile!(world.channel, file!.fileId);
      expect(got.data.equals(bytes)).toBe(true);
    });

    it('sends text under the Matrix sender’s name and does not echo it back', async () => {
      const text: FormattedText = {
        blocks: [
          {
            type: 'paragraph',
            children: [
              { type: 'text', text: 'greetings ' },
              { type: 'bold', children: [{ type: 'text', text: 'everyone' }] },
            ],
          },
        ],
      };
      const sent = await connector.sendMessage(world.channel, outbound(text));
      expect(sent.messageIds.length).toBeGreaterThan(0);
      const seen = await remoteMessage((m) => m.id === sent.messageIds[0]);
      expect(seen.text).toContain(target.bold('everyone'));
      expect(`${seen.authorName}\n${seen.text}`).toContain('Maria Matrix');
      await settled(ctx);
      expect(
        ctx.events.some((e) => 'messageId' in e && sent.messageIds.includes(e.messageId)),
      ).toBe(false);
    });

    it('sends into threads, edits, reacts and deletes', async () => {
      const caps = capabilitiesOf(connector);
      const root = await world.post('outbound root');
      await messageEvent(ctx, root);
      const sent = await connector.sendMessage(
        world.channel,
        outbound('threaded answer', caps.threads ? { threadRoot: root } : {}),
      );
      const id = sent.messageIds[0]!;
      if (caps.threads) expect((await remoteMessage((m) => m.id === id)).threadRoot).toBe(root);
      if (caps.edits) {
        await connector.editMessage!(world.channel, id, outbound('edited answer'));
        await remoteMessage((m) => m.id === id && m.text.includes('edited answer'));
      }
      if (caps.reactions) {
        await connector.addReaction!(world.channel, root, target.emoji.unicode);
        await remoteMessage((m) => m.id === root && m.reactions.includes(target.emoji.name));
        await connector.removeReaction!(world.channel, root, target.emoji.unicode);
        await remoteMessage((m) => m.id === root && !m.reactions.includes(target.emoji.name));
      }
      if (caps.deletes) {
        await connector.deleteMessage!(world.channel, id);
        await waitFor(
          'the deletion',
          async () => !(await world.messages()).some((m) => m.id === id),
        );
      }
      await settled(ctx);
      const echoes = ctx.events.filter((e) => 'messageId' in e && e.messageId === id);
      expect(echoes.map((e) => e.kind)).toEqual([]);
    });

    it('sends files', async () => {
      if (!capabilitiesOf(connector).files) return;
      const msg = outbound('with a file');
      msg.content.attachments.push({
        kind: 'file',
        name: 'notes.txt',
        mimetype: 'text/plain',
        data: Buffer.from('notes'),
      });
      const sent = await connector.sendMessage(world.channel, msg);
      await waitFor('the file on the platform', async () =>
        (await world.messages()).find(
          (m) => sent.messageIds.includes(m.id) && m.files.includes('notes.txt'),
        ),
      );
    });

    it('recovers what was posted while it was stopped, in order, with the same keys on replay', async () => {
      const first = await start(world.config);
      await connected(first.ctx);
      const before = await world.post('seen live');
      const live = await messageEvent(first.ctx, before);
      await first.connector.stop();
      const missed = [
        await world.post('missed 1'),
        await world.post('missed 2'),
        await world.post('missed 3'),
      ];

      const second = await start(world.config, first.ctx.store);
      await connected(second.ctx);
      for (const id of missed) await messageEvent(second.ctx, id);
      const order = second.ctx.events.filter(
        (e) => e.kind === 'message' && missed.includes(e.messageId),
      );
      expect(order.map((e) => (e as MessageEvent).messageId)).toEqual(missed);

      // A connector that lost its cursor replays from the link time: same message, same key.
      const fresh = await start(world.config, new Map(), live.ts - 1);
      await connected(fresh.ctx);
      const replayed = await messageEvent(fresh.ctx, before);
      expect(replayed.eventKey).toBe(live.eventKey);
    });

    it('recovers reactions added and removed while it was stopped', async () => {
      const first = await start(world.config);
      await connected(first.ctx);
      const a = await world.post('reacted to while away');
      const b = await world.post('unreacted while away');
      await messageEvent(first.ctx, a);
      await messageEvent(first.ctx, b);
      await world.react(b, target.emoji.name);
      await waitFor('the live reaction', () =>
        first.ctx.events.some((e) => e.kind === 'reaction' && e.messageId === b),
      );
      await first.connector.stop();
      await world.react(a, target.emoji.name);
      await world.unreact(b, target.emoji.name);

      const second = await start(world.config, first.ctx.store);
      await connected(second.ctx);
      const added = await waitFor('the reaction made while away', () =>
        second.ctx.events.find((e) => e.kind === 'reaction' && e.messageId === a),
      );
      expect(added.kind === 'reaction' ? added.key : '').toBe(target.emoji.unicode);
      await waitFor('the reaction removed while away', () =>
        second.ctx.events.some((e) => e.kind === 'reaction_remove' && e.messageId === b),
      );
    });

    it('recovers from a dropped realtime connection', async () => {
      await world.dropConnection();
      const id = await world.post('after the drop');
      await waitFor('the message after the drop', () =>
        ctx.events.some((e) => e.kind === 'message' && e.messageId === id),
      );
      await connected(ctx);
    });

    it('honours 429 Retry-After on send without duplicating', async () => {
      world.rateLimitSends(1, 1);
      const t0 = Date.now();
      const msg = outbound('after a rate limit');
      let ids: string[];
      try {
        ids = (await connector.sendMessage(world.channel, msg)).messageIds;
        expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
      } catch (err) {
        expect(err).toBeInstanceOf(RemoteApiError);
        expect((err as RemoteApiError).retryable).toBe(true);
        expect((err as RemoteApiError).retryAfterMs).toBeGreaterThanOrEqual(1000);
        ids = (await connector.sendMessage(world.channel, msg)).messageIds; // the core's retry
      }
      await remoteMessage((m) => m.id === ids[0]);
      const copies = (await world.messages()).filter((m) => m.text.includes('after a rate limit'));
      expect(copies).toHaveLength(1);
    });

    it('classifies server errors as retryable', async () => {
      world.failSends(1, 503);
      const msg = outbound('after a server error');
      try {
        await connector.sendMessage(world.channel, msg);
      } catch (err) {
        expect(err).toBeInstanceOf(RemoteApiError);
        expect((err as RemoteApiError).retryable).toBe(true);
        await connector.sendMessage(world.channel, msg);
      }
      await remoteMessage((m) => m.text.includes('after a server error'));
    });
  });
}
