/**
 * Teams message HTML → common FormattedText. Teams-only markup is rewritten first —
 * `<at>` mentions become placeholder pills, `<attachment>` and `<img>` are collected as
 * files, `<emoji>` becomes its character, `<codeblock>` becomes `<pre>` — and the result goes
 * through the core's sanitising HTML parser, so scripts, event handlers and unsafe links
 * never get through. Never throws.
 */
import { Parser } from 'htmlparser2';
import {
  escapeHtml,
  type FormattedText,
  type Inline,
  mapInlines,
  matrixToUserLink,
  type MentionTarget,
  parseMatrixHtml,
} from '../../../src/connector/index.js';

/** One `<at>` as written: `id` is Graph's index into `mentions`; `ordinal` counts from 0 in document order. */
export interface AtTag {
  id?: string;
  ordinal: number;
  text: string;
}

export type MentionResolution = MentionTarget | 'room' | undefined;

export interface ParsedTeamsHtml {
  text: FormattedText;
  /** `<attachment id="…">` references (files and cards listed in the message's attachments). */
  attachmentIds: string[];
  /** Inline images (`<img src>`): hosted contents to download. */
  images: Array<{ src: string; alt: string }>;
}

const PLACEHOLDER = (n: number) => `@_teams_at_${n}:mention.invalid`;
const PLACEHOLDER_RE = /^@_teams_at_(\d+):mention\.invalid$/;
const MAX_INPUT = 200 * 1024;
const VOID = new Set(['br', 'hr', 'img', 'input', 'meta', 'link', 'wbr']);
const SKIP_WITH_CONTENT = new Set([
  'script',
  'style',
  'systemeventmessage',
  'template',
  'iframe',
  'object',
]);

function rewrite(html: string): {
  html: string;
  ats: AtTag[];
  attachmentIds: string[];
  images: ParsedTeamsHtml['images'];
} {
  const out: string[] = [];
  const ats: AtTag[] = [];
  const attachmentIds: string[] = [];
  const images: ParsedTeamsHtml['images'] = [];
  const closers: string[] = [];
  let skip = 0;
  let openAt: AtTag | undefined;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (skip > 0 || SKIP_WITH_CONTENT.has(name)) {
          skip += VOID.has(name) ? 0 : 1;
          closers.push('');
          return;
        }
        const isMentionSpan =
          name === 'span' && attrs.itemtype === 'http://schema.skype.com/Mention';
        if (name === 'at' || isMentionSpan) {
          openAt = { id: attrs.id ?? attrs.itemid, ordinal: ats.length, text: '' };
          ats.push(openAt);
          out.push(`<a href="https://matrix.to/#/${PLACEHOLDER(openAt.ordinal)}">`);
          closers.push('</a>');
        } else if (name === 'attachment') {
          if (attrs.id) attachmentIds.push(attrs.id.slice(0, 200));
          skip += 1;
          closers.push('');
        } else if (name === 'img') {
          if (attrs.src) images.push({ src: attrs.src, alt: attrs.alt ?? '' });
          closers.push('');
        } else if (name === 'emoji') {
          out.push(escapeHtml(attrs.alt ?? ''));
          skip += 1;
          closers.push('');
        } else if (name === 'codeblock') {
          const lang = (attrs.class ?? '')
            .toLowerCase()
            .replace(/[^a-z0-9_+#.-]/g, '')
            .slice(0, 64);
          out.push(lang ? `<pre><code class="language-${lang}">` : '<pre><code>');
          closers.push('</code></pre>');
        } else if (name === 'code' && closers.at(-1) === '</code></pre>') {
          closers.push('');
        } else {
          const a = Object.entries(attrs)
            .map(([k, v]) => ` ${k.replace(/[^\w:-]/g, '')}="${escapeHtml(v)}"`)
            .join('');
          out.push(`<${name}${a}>`);
          closers.push(VOID.has(name) ? '' : `</${name}>`);
        }
      },
      ontext(text) {
        if (skip > 0) return;
        if (openAt) openAt.text += text;
        out.push(escapeHtml(text));
      },
      onclosetag(name) {
        const closer = closers.pop() ?? '';
        if (skip > 0) {
          if (!VOID.has(name)) skip -= 1;
          return;
        }
        if (closer === '</a>') openAt = undefined;
        out.push(closer);
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html.length > MAX_INPUT ? html.slice(0, MAX_INPUT) : html);
  parser.end();
  return { html: out.join(''), ats, attachmentIds, images };
}

/**
 * A matrix.to link written into Teams HTML is not one of Teams' `<at>` mentions: it stays a
 * plain link (which the core shows in a non-pill form) and notifies nobody.
 */
function smuggledPill(node: Extract<Inline, { type: 'mention' }>): Inline {
  const href =
    node.target.kind === 'matrix' ? matrixToUserLink(node.target.userId) : 'https://matrix.to/';
  return { type: 'link', href, children: [{ type: 'text', text: node.text }] };
}

/** A pill of the rewritten HTML as what its `<at>` names: a mention, the room, or plain text. */
function resolveAt(
  node: Extract<Inline, { type: 'mention' }>,
  ats: readonly AtTag[],
  resolveMention: (at: AtTag) => MentionResolution,
): Inline {
  const m = node.target.kind === 'matrix' ? PLACEHOLDER_RE.exec(node.target.userId) : null;
  if (!m) return smuggledPill(node);
  const at = ats[Number(m[1])];
  const text = (at?.text ?? node.text).trim();
  const target = at ? resolveMention({ ...at, text }) : undefined;
  if (target === 'room') return { type: 'room_mention' };
  if (!target) return { type: 'text', text: text === '' ? '' : `@${text}` };
  return { type: 'mention', target, text };
}

export function parseTeamsHtml(
  html: string,
  resolveMention: (at: AtTag) => MentionResolution,
): ParsedTeamsHtml {
  try {
    const r = rewrite(typeof html === 'string' ? html : '');
    const text = mapInlines(parseMatrixHtml(r.html), (node) =>
      node.type === 'mention' ? [resolveAt(node, r.ats, resolveMention)] : undefined,
    );
    return { text, attachmentIds: r.attachmentIds, images: r.images };
  } catch {
    return { text: { blocks: [] }, attachmentIds: [], images: [] };
  }
}
