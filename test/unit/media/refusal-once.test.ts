/**
 * Media refusals across retries of one inbox item (each attempt is a fresh Delivery over the
 * targets the earlier ones recorded, as the worker gives it): a refused file is judged and
 * audited once per side however often another side is retried; the platform sender's notice
 * is sent on a later attempt when it failed on one whose sides were all delivered; and a
 * platform file declared larger than every limit is refused like any other, audited.
 */
import { describe, expect, it, vi } from 'vitest';
import type { Connector, OutboundMessage } from '../../../src/connector/contract.js';
import { RemoteApiError } from '../../../src/connector/errors.js';
import { Delivery } from '../../../src/core/delivery/delivery.js';
import type { DeliveryDeps } from '../../../src/core/delivery/deps.js';
import { inboundToMatrix, type MediaOrigin } from '../../../src/core/delivery/matrix-content.js';
import {
  checkToMatrix,
  refuseFilesTo,
  relayedFor,
  type PlatformOrigin,
  type RefusedFile,
} from '../../../src/core/delivery/media-checks.js';
import { MediaGate } from '../../../src/core/delivery/media-gate.js';
import { tellPlatformSender } from '../../../src/core/delivery/media-notice.js';
import { RefusalMarks } from '../../../src/core/delivery/refusal-marks.js';
import { relayContent } from '../../../src/core/delivery/remote-files.js';
import type { RemoteSide } from '../../../src/core/delivery/sides.js';
import { MediaPolicy } from '../../../src/media/media-policy.js';
import type { MediaRefusedError } from '../../../src/media/media-refusal.js';
import { emptyText, plainText, type InboundContent } from '../../../src/model/message.js';
import type { AuditInput, AuditStore } from '../../../src/store/audit-store.js';
import type { InboxStore } from '../../../src/store/index.js';
import { silentLogger } from '../../../src/util/logger.js';
import { ELF } from '../../fixtures/files.js';

const LIMIT = 10_000;

function world() {
  const audited: AuditInput[] = [];
  const audit = { record: (e: AuditInput) => Promise.resolve(audited.push(e)) };
  const policy = new MediaPolicy(
    { max_file_size: LIMIT, allowed_types: ['image/*'], connectors: {} },
    silentLogger(),
  );
  const judged = vi.spyOn(policy, 'judge');
  const media = new MediaGate(policy, audit as unknown as AuditStore, silentLogger());
  const deps = {
    media,
    limits: { maxFileSize: LIMIT, maxTextLength: 4000 },
    log: silentLogger(),
    gateway: { botUserId: '@bridge:x' },
    txnSalt: 'salt',
  } as unknown as DeliveryDeps;
  return { deps, audited, judged };
}

const noInbox = { recordDelivery: async () => undefined } as unknown as InboxStore;

/** Attempts of one inbox item: each starts from what the earlier ones recorded. */
function attempts() {
  const recorded: string[] = [];
  return {
    next(): Delivery {
      return Delivery.for({ id: 7, delivered: [...recorded] }, noInbox, silentLogger());
    },
    finish(d: Delivery): void {
      recorded.push(...d.targets().filter((t) => !recorded.includes(t)));
    },
  };
}

const side = (id: string): RemoteSide =>
  ({
    side: `${id}/ws/c`,
    ref: { workspace: 'ws', channel: 'c' },
    conn: { id, displayName: id },
  }) as unknown as RemoteSide;

const origin = (d: Delivery): PlatformOrigin => ({
  connectorId: 'chat',
  ref: { workspace: 'ws', channel: 'C1' },
  sender: 'chat/ws/U1',
  roomId: '!r:x',
  marks: new RefusalMarks(d),
});

describe('a refused file on retries of its item', () => {
  it('from Matrix: judged and audited once for the side, refused again on every attempt', async () => {
    const { deps, audited, judged } = world();
    const item = attempts();
    const content = {
      text: plainText('see file'),
      attachments: [{ kind: 'file' as const, name: 'tool.png', data: ELF }],
    };
    for (let attempt = 0; attempt < 3; attempt++) {
      const d = item.next();
      const err = await refuseFilesTo(
        content,
        side('chat'),
        '@maria:x',
        '!r:x',
        deps,
        new RefusalMarks(d),
      ).catch((e: unknown) => e);
      expect((err as MediaRefusedError).code).toBe('MEDIA_TYPE_NOT_ALLOWED');
      item.finish(d);
    }
    expect(audited).toHaveLength(1);
    expect(judged).toHaveBeenCalledTimes(1);
  });

  it('from a platform: audited once per side, each side on its own', async () => {
    const { deps, audited } = world();
    const item = attempts();
    for (let attempt = 0; attempt < 2; attempt++) {
      const d = item.next();
      expect(await checkToMatrix(ELF, 0, origin(d), deps)).toMatchObject({
        reason: 'type_not_allowed',
      });
      const relayed = { text: emptyText(), attachments: [{ kind: 'file', name: 'a', data: ELF }] };
      const refused: RefusedFile[] = [];
      await relayedFor(relayed as never, side('other'), origin(d), refused, deps);
      expect(refused).toHaveLength(1);
      item.finish(d);
    }
    expect(audited.map((a) => a.detail?.split(' ').at(-1))).toEqual([
      'direction=to_matrix',
      'direction=between_platforms',
    ]);
  });
});

/** A platform that records posts; the first `failures` posts answer 503. */
function platform(failures: number) {
  const posts: OutboundMessage[] = [];
  let left = failures;
  const connector = {
    sendMessage: async (_ref: unknown, message: OutboundMessage) => {
      if (left-- > 0) throw RemoteApiError.fromStatus(503, 'busy');
      posts.push(message);
      return { messageIds: [`n${posts.length}`] };
    },
  } as unknown as Connector;
  return { posts, conn: { id: 'chat', displayName: 'Chat', connector } };
}

describe("the platform sender's notice", () => {
  it('is sent on a retry after it failed on an attempt whose Matrix delivery succeeded', async () => {
    const { deps } = world();
    const { posts, conn } = platform(1);
    const ref = { workspace: 'ws', channel: 'C1' };
    const noticeOrigin = { inboxId: 7, side: 'chat/ws/C1', conn: conn as never, ref };
    const message = {
      messageId: 'm1',
      content: { attachments: [{ name: 'holiday.png' }] },
    };
    const item = attempts();

    const first = item.next();
    await first.to('matrix', async () => {
      expect(await checkToMatrix(ELF, 0, origin(first), deps)).toBeDefined();
    });
    await tellPlatformSender(noticeOrigin, message, first, deps);
    expect(first.failed('chat/ws/C1#media-refused')).toBe(true);
    item.finish(first);

    // The retry: Matrix is delivered, so nothing is judged; the notice still goes out, once.
    const retry = item.next();
    await tellPlatformSender(noticeOrigin, message, retry, deps);
    expect(retry.failures).toEqual([]);
    expect(posts).toHaveLength(1);
    expect(posts[0]?.replyTo).toBe('m1');
    expect(JSON.stringify(posts[0]?.content.text)).toContain('“holiday.png” to Matrix');
    item.finish(retry);
    await tellPlatformSender(noticeOrigin, message, item.next(), deps);
    expect(posts).toHaveLength(1);
  });
});

describe('a platform file declared larger than every limit', () => {
  const big: InboundContent = {
    text: emptyText(),
    attachments: [{ kind: 'file', name: 'dump.iso', fileId: 'F1', size: LIMIT * 100 }],
  };
  const connector = {
    downloadFile: () => Promise.reject(new Error('an oversize file is never read')),
  } as unknown as Connector;

  it('is refused to Matrix unread, audited and told to its sender', async () => {
    const { deps, audited } = world();
    const d = attempts().next();
    const media: MediaOrigin = { platform: origin(d), refused: [] };
    const parts = await inboundToMatrix(big, origin(d).ref, connector, deps, media);
    expect(String(parts[0]?.content.body)).toContain('“dump.iso” was not bridged');
    expect(media.refused.map((r) => [r.name, r.refusal.reason])).toEqual([
      ['dump.iso', 'too_large'],
    ]);
    expect(audited).toHaveLength(1);
    expect(audited[0]?.detail).toBe(
      `reason=too_large type=unread size=${LIMIT * 100} limit=${LIMIT} direction=to_matrix`,
    );
    expect(new RefusalMarks(d).all()).toHaveLength(1);
  });

  it('is refused to each other platform unread, audited per side', async () => {
    const { deps, audited } = world();
    const d = attempts().next();
    const relayed = await relayContent(connector, origin(d).ref, big, deps);
    const refused: RefusedFile[] = [];
    for (const s of [side('one'), side('two')]) {
      const out = await relayedFor(relayed, s, origin(d), refused, deps);
      expect(out.content.attachments).toEqual([]);
      expect(out.notes.join()).toContain('“dump.iso” was not bridged');
    }
    expect(refused.map((r) => r.where)).toEqual(['one', 'two']);
    expect(audited.map((a) => a.connector)).toEqual(['one', 'two']);
  });
});
