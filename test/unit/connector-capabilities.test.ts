/**
 * Capabilities come from what a connector implements: a flag can no longer claim edits the
 * connector has no method for, nor hide one it has.
 */
import { describe, expect, it } from 'vitest';
import { capabilitiesOf } from '../../src/connector/capabilities.js';
import type { Connector, DeclaredCapabilities } from '../../src/connector/contract.js';

const noop = async (): Promise<void> => undefined;

function connectorWith(
  methods: Partial<Connector>,
  declared: DeclaredCapabilities = { threads: false, maxTextLength: 1000 },
): Connector {
  return {
    start: noop,
    stop: noop,
    capabilities: () => declared,
    getChatInfo: async () => ({ name: 'x' }),
    getUserInfo: async () => ({ displayName: 'x' }),
    downloadAvatar: async () => ({ data: Buffer.alloc(0), mimetype: 'image/png' }),
    sendMessage: async () => ({ messageIds: ['1'] }),
    ...methods,
  };
}

const download = async () => ({ data: Buffer.alloc(0), mimetype: 'text/plain' });

describe('capabilitiesOf', () => {
  it.each([
    ['nothing optional', {}, { edits: false, deletes: false, reactions: false, files: false }],
    ['editMessage', { editMessage: noop }, { edits: true, deletes: false, reactions: false }],
    ['deleteMessage', { deleteMessage: noop }, { edits: false, deletes: true }],
    ['both reaction methods', { addReaction: noop, removeReaction: noop }, { reactions: true }],
    ['addReaction alone', { addReaction: noop }, { reactions: false, actorReactions: false }],
    ['removeReaction alone', { removeReaction: noop }, { reactions: false }],
    ['downloadFile', { downloadFile: download }, { files: true, edits: false }],
  ] as Array<[string, Partial<Connector>, Record<string, boolean>]>)(
    'a connector with %s',
    (_name, methods, expected) => {
      expect(capabilitiesOf(connectorWith(methods))).toMatchObject(expected);
    },
  );

  it('keeps what only the connector can say: threads and its text limit', () => {
    const caps = capabilitiesOf(connectorWith({}, { threads: true, maxTextLength: 28_000 }));
    expect(caps).toMatchObject({ threads: true, maxTextLength: 28_000 });
  });

  it('reactions by the reacting user (actorReactions) are not the bot reacting for everyone', () => {
    const methods = { addReaction: noop, removeReaction: noop };
    const declared = { threads: true, actorReactions: true, maxTextLength: 1000 };
    expect(capabilitiesOf(connectorWith(methods, declared))).toMatchObject({
      reactions: false,
      actorReactions: true,
    });
    expect(capabilitiesOf(connectorWith({}, declared))).toMatchObject({
      reactions: false,
      actorReactions: false,
    });
  });
});
