/** Every durable record a Slack post leaves behind expires: none grows without end. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { ConnectorStorage, OutboundMessage } from '../../../src/connector/contract.js';
import { SEND_LEDGER_TTL_MS } from '../../../src/connector/send-ledger.js';
import type { SlackApi } from '../../../connectors/slack/api.js';
import { SlackSender } from '../../../connectors/slack/outbound.js';
import { ThreadIndex } from '../../../connectors/slack/threads.js';

const sets: Array<{ key: string; ttlMs: number | undefined }> = [];
const storage: ConnectorStorage = {
  get: async () => undefined,
  set: async (key, _value, options) => void sets.push({ key, ttlMs: options?.ttlMs }),
  delete: async () => undefined,
};

const api = {
  apiUrl: 'http://slack.test/api/',
  read: async () => ({ ok: true }),
  upload: async () => undefined,
  write: async (method: string) => {
    if (method === 'files.getUploadURLExternal')
      return { ok: true, upload_url: 'http://slack.test/up', file_id: 'F0001' };
    if (method === 'files.completeUploadExternal')
      return { ok: true, files: [{ id: 'F0001', shares: { public: { C1: [{ ts: '2.0' }] } } }] };
    return { ok: true, ts: '1.0' };
  },
} as unknown as SlackApi;

const message = (withFile: boolean): OutboundMessage =>
  ({
    idempotencyKey: withFile ? 'k-file' : 'k-text',
    sender: { userId: '@maria:hs', displayName: 'Maria' },
    content: {
      text: { blocks: [{ type: 'paragraph', children: [{ type: 'text', text: 'hi' }] }] },
      emote: false,
      attachments: withFile
        ? [{ name: 'a.txt', data: Buffer.from('x'), mimetype: 'text/plain' }]
        : [],
    },
  }) as unknown as OutboundMessage;

describe('Slack post records', () => {
  it('are all kept with the ledger TTL, for text and file parts', async () => {
    const sender = new SlackSender({
      workspace: 'main',
      api,
      threads: new ThreadIndex(api),
      log: pino({ level: 'silent' }),
      storage,
      customIdentity: () => true,
    });
    const ref = { workspace: 'main', channel: 'C1' };
    expect(await sender.send(ref, message(false))).toEqual(['1.0']);
    expect(await sender.send(ref, message(true))).toEqual(['2.0']);
    expect(sets.some((s) => s.key.startsWith('files:'))).toBe(true);
    for (const s of sets) expect(s, s.key).toEqual({ key: s.key, ttlMs: SEND_LEDGER_TTL_MS });
  });
});
