import { describe, expect, it } from 'vitest';
import type { FormattedText, Inline } from '../../../src/model/message.js';
import { mentionMembersByName } from '../../../src/core/name-mentions.js';

const ANNA = '@anna:agency-a.se';
const ANNA_BERG = '@aberg:agency-b.se';
const BO = '@bo:agency-a.se';
const members = [
  { userId: ANNA, displayName: 'Anna' },
  { userId: ANNA_BERG, displayName: 'Anna Berg' },
  { userId: BO, displayName: 'Bo Ek (HR)' },
];

const para = (...children: Inline[]): FormattedText => ({
  blocks: [{ type: 'paragraph', children }],
});
const text = (t: string): Inline => ({ type: 'text', text: t });
const mentioned = (out: FormattedText): string[] =>
  JSON.stringify(out)
    .match(/"userId":"[^"]+"/g)
    ?.map((m) => m.slice(10, -1)) ?? [];

describe('@names of Matrix members in platform text', () => {
  it.each([
    ['@Anna hello', [ANNA]],
    ['hello @anna', [ANNA]],
    ['@ANNA BERG can you look?', [ANNA_BERG]],
    ['@Anna Bergström is someone else', [ANNA]],
    ['@aberg, thanks', [ANNA_BERG]],
    ['(@bo) and @Bo Ek (HR)!', [BO, BO]],
    ['@Anna and @Anna Berg', [ANNA, ANNA_BERG]],
    ['@@anna', [ANNA]],
    ['«@anna»', [ANNA]],
  ])('%j mentions %j', (input, expected) => {
    expect(mentioned(mentionMembersByName(para(text(input)), members))).toEqual(expected);
  });

  it.each([
    'write to anna@agency-a.se',
    'x.@anna',
    'see @annabelle',
    'see @anna_b',
    'see @anna2',
    '@ann',
    '@ anna',
    'no at sign: Anna',
    'anna:agency-a.se',
  ])('%j mentions nobody', (input) => {
    const out = mentionMembersByName(para(text(input)), members);
    expect(out).toEqual(para(text(input)));
  });

  it('never looks inside links, code, code blocks or existing mentions', () => {
    const input: FormattedText = {
      blocks: [
        {
          type: 'paragraph',
          children: [
            { type: 'link', href: 'https://example.org/@anna', children: [text('@anna')] },
            { type: 'code', text: '@anna' },
            { type: 'mention', target: { kind: 'matrix', userId: BO }, text: '@anna' },
          ],
        },
        { type: 'code_block', text: '@anna' },
      ],
    };
    expect(mentionMembersByName(input, members)).toEqual(input);
  });

  it('finds names inside emphasis, quotes, lists and headings', () => {
    const fixed: FormattedText = {
      blocks: [
        { type: 'heading', level: 2, children: [{ type: 'bold', children: [text('@anna')] }] },
        { type: 'quote', children: [para(text('@bo')).blocks[0]!] },
        { type: 'list', ordered: false, items: [[para(text('@aberg')).blocks[0]!]] },
      ],
    };
    expect(mentioned(mentionMembersByName(fixed, members))).toEqual([ANNA, BO, ANNA_BERG]);
  });

  it('keeps the text around a mention and shows the member by display name', () => {
    const out = mentionMembersByName(para(text('hi @ANNA, see this')), members);
    expect(out).toEqual(
      para(
        text('hi '),
        { type: 'mention', target: { kind: 'matrix', userId: ANNA }, text: 'Anna' },
        text(', see this'),
      ),
    );
  });

  it('leaves a name two members share as text, but their distinct localparts still work', () => {
    const twins = [
      { userId: '@kim1:a.se', displayName: 'Kim' },
      { userId: '@kim2:b.se', displayName: 'Kim' },
    ];
    expect(mentioned(mentionMembersByName(para(text('@Kim hi')), twins))).toEqual([]);
    expect(mentioned(mentionMembersByName(para(text('@kim2 hi')), twins))).toEqual(['@kim2:b.se']);
  });

  it.each([
    ['an empty display name', ''],
    ['a blank display name', '   '],
    ['a display name over 64 characters', 'x'.repeat(65)],
    ['a display name with a line break', 'Anna\nBerg'],
  ])('ignores %s but still knows the localpart', (_what, displayName) => {
    const odd = [{ userId: '@odd:a.se', displayName }];
    expect(mentioned(mentionMembersByName(para(text(`@${displayName} @odd`)), odd))).toEqual([
      '@odd:a.se',
    ]);
  });

  it('handles a member list and a text with many at signs', () => {
    const crowd = Array.from({ length: 5_000 }, (_, i) => ({
      userId: `@user${i}:a.se`,
      displayName: `User ${i}`,
    }));
    const input = Array.from({ length: 2_000 }, (_, i) => `@user${i * 2}`).join(' ');
    expect(mentioned(mentionMembersByName(para(text(input)), crowd))).toHaveLength(2_000);
  });
});
