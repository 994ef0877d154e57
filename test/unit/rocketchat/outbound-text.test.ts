import { describe, expect, it } from 'vitest';
import type { OutboundMessage } from '../../../src/connector/contract.js';
import { plainText } from '../../../src/model/message.js';
import { renderText, type OutboundOptions } from '../../../connectors/rocketchat/outbound.js';

const opts = (impersonate: boolean): OutboundOptions => ({
  workspace: 'main',
  botUserId: 'BOT',
  impersonate,
  usernameOf: async (id) => (id === 'U1' ? 'alice' : undefined),
  quoteLink: async () => undefined,
});
const msg = (text: string, extra: Partial<OutboundMessage['content']> = {}): OutboundMessage => ({
  sender: { userId: '@m:x', displayName: 'Maria *Matrix*' },
  content: { text: plainText(text), attachments: [], ...extra },
  idempotencyKey: 'k',
});

describe('outbound text', () => {
  it('leaves the text alone when impersonating', async () => {
    expect(await renderText(msg('hi'), opts(true))).toBe('hi');
  });

  it('names the sender (escaped) when attributing', async () => {
    expect(await renderText(msg('hi'), opts(false))).toBe('*Maria \\*Matrix\\**: hi');
    expect(await renderText(msg(''), opts(false))).toBe('*Maria \\*Matrix\\**:');
  });

  it('renders emotes with the actor in italics, without wrapping the action', async () => {
    expect(await renderText(msg('waves *wildly*', { emote: true }), opts(true))).toBe(
      '_Maria \\*Matrix\\*_ waves \\*wildly\\*',
    );
    expect(await renderText(msg('waves', { emote: true }), opts(false))).toBe(
      '_Maria \\*Matrix\\*_ waves',
    );
  });

  it('turns mentions of Rocket.Chat users into @username, others into plain names', async () => {
    const m = msg('');
    m.content.text = {
      blocks: [
        {
          type: 'paragraph',
          children: [
            {
              type: 'mention',
              target: { kind: 'remote', connector: 'rocketchat', workspace: 'main', userId: 'U1' },
              text: 'Alice',
            },
            { type: 'text', text: ' ' },
            {
              type: 'mention',
              target: { kind: 'remote', connector: 'rocketchat', workspace: 'other', userId: 'U1' },
              text: 'Other Alice',
            },
            { type: 'text', text: ' ' },
            {
              type: 'mention',
              target: { kind: 'remote', connector: 'mattermost', workspace: 'main', userId: 'U1' },
              text: '@carol',
            },
          ],
        },
      ],
    };
    expect(await renderText(m, opts(true))).toBe('@alice Other Alice carol');
  });
});
