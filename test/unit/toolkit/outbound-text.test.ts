/** Own mentions become native ones (each looked up once); emotes lead with the actor. */
import { describe, expect, it } from 'vitest';
import type { FormattedText, MentionTarget } from '../../../src/model/message.js';
import {
  isOwnMention,
  ownMentionNames,
  withEmoteActor,
} from '../../../src/connector/outbound-text.js';

const remote = (connector: string, workspace: string, userId: string): MentionTarget => ({
  kind: 'remote',
  connector,
  workspace,
  userId,
});

const mentions = (...targets: MentionTarget[]): FormattedText => ({
  blocks: [
    {
      type: 'paragraph',
      children: targets.map((target) => ({
        type: 'bold',
        children: [{ type: 'mention', target, text: 'x' }],
      })),
    },
  ],
});

describe('isOwnMention', () => {
  it('is true only for people of the same connector and workspace', () => {
    const own = isOwnMention('chatx', 'main');
    expect(own(remote('chatx', 'main', 'u1'))).toBe(true);
    expect(own(remote('chatx', 'other', 'u1'))).toBe(false);
    expect(own(remote('chaty', 'main', 'u1'))).toBe(false);
    expect(own({ kind: 'matrix', userId: '@u1:hs' })).toBe(false);
  });
});

describe('ownMentionNames', () => {
  it('looks up each own person once, also inside formatting, and names only those found', async () => {
    const asked: string[] = [];
    const usernameFor = await ownMentionNames(
      mentions(
        remote('chatx', 'main', 'u1'),
        remote('chatx', 'main', 'u1'),
        remote('chatx', 'main', 'gone'),
        remote('chatx', 'other', 'u2'),
      ),
      isOwnMention('chatx', 'main'),
      async (id) => {
        asked.push(id);
        return id === 'u1' ? 'alice' : undefined;
      },
    );
    expect(asked).toEqual(['u1', 'gone']);
    expect(usernameFor(remote('chatx', 'main', 'u1'))).toBe('alice');
    expect(usernameFor(remote('chatx', 'main', 'gone'))).toBeUndefined();
    // The same user id on another workspace is another person.
    expect(usernameFor(remote('chatx', 'other', 'u1'))).toBeUndefined();
  });
});

describe('withEmoteActor', () => {
  it('puts the actor in italics before the first paragraph', () => {
    const text: FormattedText = {
      blocks: [{ type: 'paragraph', children: [{ type: 'text', text: 'waves' }] }],
    };
    expect(withEmoteActor(text, 'Maria').blocks).toEqual([
      {
        type: 'paragraph',
        children: [
          { type: 'italic', children: [{ type: 'text', text: 'Maria' }] },
          { type: 'text', text: ' ' },
          { type: 'text', text: 'waves' },
        ],
      },
    ]);
  });

  it('gives the actor a paragraph of its own before other blocks', () => {
    const text: FormattedText = { blocks: [{ type: 'code_block', text: 'x' }] };
    expect(withEmoteActor(text, 'Maria').blocks).toEqual([
      {
        type: 'paragraph',
        children: [{ type: 'italic', children: [{ type: 'text', text: 'Maria' }] }],
      },
      { type: 'code_block', text: 'x' },
    ]);
  });
});
