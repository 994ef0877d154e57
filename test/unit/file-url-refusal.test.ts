import { describe, expect, it, vi } from 'vitest';
import type { Connector, Download } from '../../src/connector/contract.js';
import { FileRefusedError, RemoteApiError } from '../../src/connector/index.js';
import type { DeliveryDeps } from '../../src/core/delivery/deps.js';
import { inboundToMatrix } from '../../src/core/delivery/matrix-content.js';
import { fetchAttachment, relayContent, withNotes } from '../../src/core/delivery/remote-files.js';
import { plainText, type InboundContent } from '../../src/model/message.js';

const ref = { workspace: 'main', channel: 'C1' };

function fakeDeps() {
  const warn = vi.fn();
  const uploads: string[] = [];
  const deps = {
    limits: { maxFileSize: 1024 },
    log: { warn },
    codec: { encode: () => '@ghost:example.org' },
    gateway: {
      upload: async (_data: Buffer, _mime: string, name: string) => {
        uploads.push(name);
        return `mxc://example.org/${name}`;
      },
    },
  } as unknown as DeliveryDeps;
  return { deps, warn, uploads };
}

/** A connector that refuses `evil.*` files when asked and serves the rest. */
const connector = {
  downloadFile: vi.fn(async (_ref: unknown, fileId: string): Promise<Download> => {
    if (fileId.startsWith('evil')) throw new FileRefusedError('it points elsewhere');
    return { data: Buffer.from('bytes'), mimetype: 'text/plain' };
  }),
} as unknown as Connector;

const content: InboundContent = {
  text: plainText('look at these'),
  attachments: [
    { fileId: 'good-1', kind: 'file', name: 'good.txt' },
    { fileId: 'evil-1', kind: 'file', name: 'redirected.txt' },
    { fileId: '', kind: 'file', name: 'card.pdf', refused: 'it names no file of the message' },
  ],
};

describe('a refused attachment never stops the message', () => {
  it('crosses to Matrix: text, the good file, and a notice per refused file', async () => {
    const { deps, warn, uploads } = fakeDeps();
    const parts = await inboundToMatrix(content, ref, connector, deps);
    expect(parts.map((p) => [p.content.msgtype, p.content.body])).toEqual([
      ['m.text', 'look at these'],
      ['m.file', 'good.txt'],
      [
        'm.notice',
        '(file redirected.txt was not bridged: it points elsewhere; only files the platform itself attached to the message are fetched)',
      ],
      [
        'm.notice',
        '(file card.pdf was not bridged: it names no file of the message; only files the platform itself attached to the message are fetched)',
      ],
    ]);
    expect(uploads).toEqual(['good.txt']);
    // An attachment refused at intake is never asked for.
    expect(connector.downloadFile).not.toHaveBeenCalledWith(ref, '');
    expect(warn).toHaveBeenCalledTimes(2);
    for (const [fields] of warn.mock.calls) {
      expect(Object.keys(fields as object).sort()).toEqual([
        'channel',
        'file',
        'reason',
        'workspace',
      ]);
    }
  });

  it('keeps other failures as failures (retried or reported by the core)', async () => {
    const { deps } = fakeDeps();
    const failing = {
      downloadFile: async () => {
        throw new RemoteApiError({ message: 'busy', retryable: true });
      },
    } as unknown as Connector;
    await expect(
      fetchAttachment(content.attachments[0]!, ref, failing.downloadFile!, deps),
    ).rejects.toBeInstanceOf(RemoteApiError);
  });

  it('crosses to other platforms: the good file relayed, a note per refused file', async () => {
    const { deps, warn } = fakeDeps();
    const relayed = await relayContent(connector, ref, content, deps);
    expect(relayed.attachments.map((a) => [a.name, a.data.toString()])).toEqual([
      ['good.txt', 'bytes'],
    ]);
    expect(relayed.attachments[0]).not.toHaveProperty('refused');
    expect(relayed.text.blocks.slice(1)).toEqual(
      ['redirected.txt', 'card.pdf'].map((name) => ({
        type: 'paragraph',
        children: [
          { type: 'text', text: expect.stringContaining(`(file ${name} was not bridged`) },
        ],
      })),
    );
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('adds the notes as paragraphs after the text for other platforms', () => {
    const text = withNotes(plainText('hello'), ['(file a was not bridged: x)']);
    expect(text.blocks).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'hello' }] },
      { type: 'paragraph', children: [{ type: 'text', text: '(file a was not bridged: x)' }] },
    ]);
    expect(withNotes(plainText('hello'), [])).toEqual(plainText('hello'));
  });
});
