import { describe, expect, it } from 'vitest';
import { renderText } from '../../../connectors/mattermost/outbound.js';
import type { OutboundMessage } from '../../../src/connector/contract.js';
import type { FormattedText } from '../../../src/model/message.js';
import { plainText } from '../../../src/model/message.js';

function message(text: FormattedText, emote = false, name = 'Maria *Matrix*'): OutboundMessage {
  return {
    sender: { userId: '@maria:example.org', displayName: name },
    content: { text, attachments: [], emote },
    idempotencyKey: 'k',
  };
}

const opts = (useOverrides: boolean) => ({
  workspace: 'main',
  useOverrides,
  usernameOf: async () => undefined,
});

describe('Mattermost outbound text', () => {
  it('writes an emote as the italic actor name followed by the action', async () => {
    const text: FormattedText = {
      blocks: [
        {
          type: 'paragraph',
          children: [
            { type: 'text', text: 'waves at ' },
            { type: 'italic', children: [{ type: 'text', text: 'everyone' }] },
          ],
        },
        { type: 'paragraph', children: [{ type: 'text', text: 'twice' }] },
      ],
    };
    expect(await renderText(message(text, true), opts(true))).toBe(
      '_Maria \\*Matrix\\*_ waves at _everyone_\n\ntwice',
    );
  });

  it('puts the actor before an emote that starts with a code block', async () => {
    const text: FormattedText = { blocks: [{ type: 'code_block', text: 'ls' }] };
    expect(await renderText(message(text, true, 'Maria'), opts(false))).toBe(
      '_Maria_\n\n```\nls\n```',
    );
  });

  it('names the sender in bold when overrides are off, escaping Markdown in the name', async () => {
    expect(await renderText(message(plainText('hello')), opts(false))).toBe(
      '**Maria \\*Matrix\\***: hello',
    );
    expect(await renderText(message(plainText('hello')), opts(true))).toBe('hello');
  });
});
