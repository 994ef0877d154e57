import { describe, expect, it } from 'vitest';
import {
  botActivity,
  botParts,
  graphParts,
  senderHeader,
  tenantMentions,
} from '../../../connectors/teams/outbound.js';
import type { OutboundMessage } from '../../../src/connector/contract.js';
import type { FormattedText, Inline } from '../../../src/model/message.js';
import { plainText } from '../../../src/model/message.js';

const message = (
  text: FormattedText,
  extra: Partial<OutboundMessage['content']> = {},
): OutboundMessage => ({
  sender: { userId: '@m:x', displayName: 'Maria <Matrix>', avatarUrl: 'https://x.example/a.png' },
  content: { text, attachments: [], ...extra },
  idempotencyKey: 'k',
});
const mentions = tenantMentions('teams', 'contoso');

describe('outbound rendering', () => {
  it('puts an escaped attribution header (https avatars only) above the text', () => {
    expect(
      senderHeader({
        userId: '@m:x',
        displayName: 'Maria <Matrix>',
        avatarUrl: 'https://x.example/a.png',
      }),
    ).toBe(
      '<p><img src="https://x.example/a.png" alt="" width="16" height="16"> <strong>Maria &lt;Matrix&gt;</strong></p>',
    );
    expect(
      senderHeader({ userId: '@m:x', displayName: 'M', avatarUrl: 'http://x/a.png" onerror="x' }),
    ).toBe('<p><strong>M</strong></p>');
    const [part] = botParts(message(plainText('hi')), mentions);
    expect(botActivity(part!)).toEqual({
      type: 'message',
      textFormat: 'xml',
      text: `${senderHeader(message(plainText('')).sender)}<p>hi</p>`,
    });
  });

  it('writes emotes as the sender’s action, without a header', () => {
    const [part] = botParts(message(plainText('waves'), { emote: true }), mentions);
    expect(part!.text).toBe('<p><em>Maria &lt;Matrix&gt; </em><em>waves</em></p>');
    expect(
      graphParts(message(plainText('waves'), { emote: true }), mentions)[0]!.body.content,
    ).toBe('<p><em>Maria &lt;Matrix&gt; </em><em>waves</em></p>');
  });

  it('keeps every part of a mention-heavy message under 40 KB with its own entities', () => {
    const children: Inline[] = [];
    for (let i = 0; i < 3000; i++) {
      children.push({
        type: 'mention',
        target: { kind: 'remote', connector: 'teams', workspace: 'contoso', userId: `user-${i}` },
        text: `Person ${i}`,
      });
      children.push({ type: 'text', text: ' and ' });
    }
    const parts = botParts(message({ blocks: [{ type: 'paragraph', children }] }), mentions);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(Buffer.byteLength(JSON.stringify(botActivity(p)))).toBeLessThan(40 * 1024);
      expect((p.text.match(/<at>/g) ?? []).length).toBe(p.entities.length);
    }
    // Mentions that no longer fit a paragraph are kept as readable text.
    expect(parts.map((p) => p.text).join('')).toContain('Person 2999');
  });
});
