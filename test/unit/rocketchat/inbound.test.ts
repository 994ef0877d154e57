import { describe, expect, it } from 'vitest';
import {
  fileAttachments,
  isConversation,
  splitQuotes,
} from '../../../connectors/rocketchat/inbound.js';
import { retryAfterMs } from '../../../connectors/rocketchat/api.js';
import { toMs } from '../../../connectors/rocketchat/types.js';

describe('inbound helpers', () => {
  it('takes quote links off the text and reads the quoted message id', () => {
    expect(
      splitQuotes('[ ](https://chat.example/channel/general?msg=AbC123) my answer', []),
    ).toEqual({ text: 'my answer', replyTo: 'AbC123' });
    expect(splitQuotes('plain', [{ message_link: 'https://chat.example/group/x?msg=Q1' }])).toEqual(
      { text: 'plain', replyTo: 'Q1' },
    );
    expect(splitQuotes('[ ](not a url) text', [])).toEqual({
      text: '[ ](not a url) text',
      replyTo: undefined,
    });
  });

  it('reads uploaded files from attachments, refusing file-like ones that name no file of the message', () => {
    const files = fileAttachments({
      files: [{ _id: 'F1', name: 'pic.png', type: 'image/png', size: 12 }],
      attachments: [
        {
          type: 'file',
          title: 'pic.png',
          title_link: '/file-upload/F1/pic.png',
          image_url: '/file-upload/F1/pic.png',
          image_type: 'image/png',
          image_size: 12,
          image_dimensions: { width: 2, height: 3 },
        },
        { type: 'file', title: 'evil', title_link: 'https://elsewhere.example/x' },
        { type: 'file', title: 'sneaky', title_link: '/file-upload/../../api/v1/me' },
        { text: 'a quote', message_link: 'https://chat.example/channel/x?msg=Q' },
      ],
    });
    expect(files).toEqual([
      {
        fileId: '/file-upload/F1/pic.png',
        kind: 'image',
        name: 'pic.png',
        mimetype: 'image/png',
        size: 12,
        width: 2,
        height: 3,
      },
      {
        fileId: '',
        kind: 'file',
        name: 'sneaky',
        refused: 'it names no file the server attached to this message',
      },
    ]);
  });

  it('knows system messages from conversation', () => {
    expect(isConversation({ msg: 'hi' })).toBe(true);
    expect(isConversation({ t: 'uj' })).toBe(false);
  });

  it('reads every wire date form', () => {
    expect(toMs({ $date: 5 })).toBe(5);
    expect(toMs('1970-01-01T00:00:01.000Z')).toBe(1000);
    expect(toMs('garbage')).toBeUndefined();
    expect(toMs(undefined)).toBeUndefined();
  });

  it('waits for the later of Retry-After and X-RateLimit-Reset (epoch ms)', () => {
    const now = 1_800_000_000_000;
    expect(retryAfterMs(new Headers({ 'retry-after': '2' }), now)).toBe(2000);
    expect(retryAfterMs(new Headers({ 'x-ratelimit-reset': String(now + 4500) }), now)).toBe(4500);
    expect(
      retryAfterMs(
        new Headers({ 'retry-after': '1', 'x-ratelimit-reset': String(now + 999) }),
        now,
      ),
    ).toBe(1000);
    expect(retryAfterMs(new Headers(), now)).toBe(1000);
  });
});
