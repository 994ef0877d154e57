/**
 * The toolkit's walk for Markdown-like dialects: blocks and inlines in order, emphasis in the
 * dialect's delimiters, a link label on one line, lists of the same kind kept apart, and an
 * italic delimiter chosen by what stands around it.
 */
import { describe, expect, it } from 'vitest';
import {
  type Block,
  type Inline,
  type MarkdownDialect,
  markdownWalk,
  wrapEachLine,
} from '../../../src/connector/index.js';

/** A dialect that shows which hook wrote what. */
function toyDialect(overrides: Partial<MarkdownDialect> = {}): MarkdownDialect {
  return {
    bold: '*',
    italic: '_',
    strike: '~',
    text: (t, inLink) => (inLink ? t.toUpperCase() : t),
    code: (t) => `\`${t}\``,
    link: (node, inLink, walk) =>
      inLink ? walk.inlines(node.children, true) : `[${walk.inlines(node.children, true)}]`,
    mention: (node, inLink) => (inLink ? node.text : `<${node.text}>`),
    roomMention: (inLink) => (inLink ? 'room' : '@room'),
    paragraph: (s) => `P(${s})`,
    heading: (level, s) => `H${level}(${s})`,
    codeBlock: (t, lang) => `C(${lang ?? ''}:${t})`,
    quote: (inner) => `Q(${inner})`,
    list: (list, alternate, walk) =>
      `L${list.ordered ? 'o' : 'u'}${alternate ? '!' : ''}(${list.items.map((i) => walk.blocks(i)).join(';')})`,
    rule: '---',
    ...overrides,
  };
}

const p = (...children: Inline[]): Block => ({ type: 'paragraph', children });
const t = (text: string): Inline => ({ type: 'text', text });
const list = (ordered: boolean): Block => ({ type: 'list', ordered, items: [[p(t('x'))]] });

describe('markdownWalk', () => {
  const walk = markdownWalk(toyDialect());

  it('writes every block kind through its hook, joined by blank lines', () => {
    const blocks: Block[] = [
      p(t('a')),
      { type: 'heading', level: 2, children: [t('h')] },
      { type: 'code_block', text: 'x', language: 'js' },
      { type: 'quote', children: [p(t('q')), p(t('r'))] },
      { type: 'rule' },
    ];
    expect(walk.blocks(blocks)).toBe('P(a)\n\nH2(h)\n\nC(js:x)\n\nQ(P(q)\n\nP(r))\n\n---');
  });

  it('leaves out blocks that write nothing', () => {
    const w = markdownWalk(toyDialect({ paragraph: (s) => (s === 'skip' ? '' : s) }));
    expect(w.blocks([p(t('a')), p(t('skip')), p(t('b'))])).toBe('a\n\nb');
  });

  it.each([
    ['same kind twice: the second alternates', [list(false), list(false)], 'Lu(P(x))\n\nLu!(P(x))'],
    [
      'three in a row toggle',
      [list(true), list(true), list(true)],
      'Lo(P(x))\n\nLo!(P(x))\n\nLo(P(x))',
    ],
    ['different kinds do not', [list(true), list(false)], 'Lo(P(x))\n\nLu(P(x))'],
    [
      'a paragraph between resets',
      [list(false), p(t('a')), list(false)],
      'Lu(P(x))\n\nP(a)\n\nLu(P(x))',
    ],
  ])('lists: %s', (_name, blocks, expected) => {
    expect(walk.blocks(blocks as Block[])).toBe(expected);
  });

  it('writes inlines through their hooks and emphasis in the delimiters', () => {
    const inlines: Inline[] = [
      { type: 'bold', children: [t('b')] },
      { type: 'italic', children: [t('i')] },
      { type: 'strike', children: [t('s')] },
      { type: 'underline', children: [t('u')] },
      { type: 'code', text: 'c' },
      { type: 'mention', target: { kind: 'matrix', userId: '@a:x' }, text: 'Ann' },
      { type: 'room_mention' },
      { type: 'linebreak' },
      t('end'),
    ];
    expect(walk.inlines(inlines, false)).toBe('*b*_i_~s~u`c`<Ann>@room\nend');
  });

  it('writes a link label as one line, its parts as in a link', () => {
    const link: Inline = {
      type: 'link',
      href: 'https://x',
      children: [
        t('a'),
        { type: 'linebreak' },
        { type: 'mention', target: { kind: 'matrix', userId: '@a:x' }, text: 'ann' },
        { type: 'room_mention' },
      ],
    };
    expect(walk.inlines([link], false)).toBe('[A annroom]');
  });

  it('keeps whitespace outside delimiters and normalises first (adjacent bold merges)', () => {
    const inlines: Inline[] = [
      { type: 'bold', children: [t(' a')] },
      { type: 'bold', children: [t('b ')] },
    ];
    expect(walk.inlines(inlines, false)).toBe(' *ab* ');
  });

  it('uses the dialect wrap (e.g. one line at a time)', () => {
    const w = markdownWalk(toyDialect({ wrap: wrapEachLine }));
    const bold: Inline = { type: 'bold', children: [t('a'), { type: 'linebreak' }, t('b')] };
    expect(w.inlines([bold], false)).toBe('*a*\n*b*');
  });

  describe('italic chosen by its neighbours', () => {
    const seen: Array<[string, string]> = [];
    const w = markdownWalk(
      toyDialect({
        italic: (before, after) => {
          seen.push([before, after]);
          return before === '' && after === '' ? '_' : '*';
        },
      }),
    );
    const i = (text: string): Inline => ({ type: 'italic', children: [t(text)] });

    it.each([
      ['alone', [i('x')], '_x_', [['', '']]],
      ['after text', [t('ab'), i('x')], 'ab*x*', [['b', '']]],
      ['before text', [i('x'), t('cd')], '*x*cd', [['', 'c']]],
      [
        // The inner italic is written first, with the bold around it; the outer one sees `*`.
        'before a bold that holds an italic',
        [i('x'), { type: 'bold', children: [i('y')] }],
        '*x**_y_*',
        [
          ['', ''],
          ['', '*'],
        ],
      ],
    ] as const)('%s', (_name, inlines, expected, calls) => {
      seen.length = 0;
      expect(w.inlines(inlines as unknown as Inline[], false)).toBe(expected);
      expect(seen).toEqual(calls);
    });
  });
});
