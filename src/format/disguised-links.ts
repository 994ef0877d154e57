/**
 * A link whose visible text is itself a URL or a domain, but a different one from where the
 * link goes ("https://bank.example" leading to https://evil.example), is shown with its real
 * target next to the text. Labels that are not URL-like ("the docs") stay as they are.
 * Applied to both directions: platform → Matrix HTML and Matrix HTML → platform markup.
 */
import type { FormattedText, Inline } from '../model/message.js';
import { hasChildren } from './inline.js';
import { mapInlines } from './map-inlines.js';

/** `scheme://…`, `mailto:…`, or something domain-shaped (`www.bank.example/login`, `a@b.example`). */
const URL_LIKE =
  /^(?:[a-z][a-z0-9+.-]*:\/\/\S+|(?:mailto|tel|matrix|magnet|ftp):\S+|(?:[^\s/@:]+@)?(?:[\p{L}\p{N}-]+\.)+[\p{L}\p{N}-]{2,}\.?(?::\d+)?(?:[/?#]\S*)?)$/iu;

/** Characters that do not show but would make two spellings of a URL look different. */
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/** True when `label` would be read as an address. */
export function looksLikeUrl(label: string): boolean {
  const s = label.replace(INVISIBLE, '').trim();
  return s.length > 0 && s.length <= 2048 && URL_LIKE.test(s);
}

function parseLoose(s: string): URL | undefined {
  const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(s) && !/^[^\s/@:]+@/.test(s) ? s : `http://${s}`;
  try {
    return new URL(withScheme);
  } catch {
    return undefined;
  }
}

const hostOf = (u: URL): string => u.hostname.replace(/\.$/, '').replace(/^www\./, '');
const rest = (u: URL): string => `${u.pathname.replace(/\/$/, '')}${u.search}${u.hash}`;

/**
 * True when a reader of `label` would end up where `href` goes: same host (after IDN and
 * case normalisation, `www.` ignored) and, when the label names a path, the same path.
 */
export function labelMatchesTarget(label: string, href: string): boolean {
  const text = label.replace(INVISIBLE, '').trim();
  const target = parseLoose(href.trim());
  if (!target) return false;
  if (target.protocol === 'mailto:' || target.protocol === 'tel:') {
    const address = decodeURIComponent(target.pathname).toLowerCase();
    return text.toLowerCase().replace(/^(mailto|tel):/, '') === address;
  }
  const shown = parseLoose(text);
  if (!shown || hostOf(shown) !== hostOf(target) || shown.port !== target.port) return false;
  // "https://bank.example@evil.example" reads as bank.example: never a match.
  if (shown.username !== '' || shown.password !== '') return false;
  const shownRest = rest(shown);
  return shownRest === '' || shownRest === rest(target);
}

/** Visible text of inline nodes, as a reader sees it. */
export function inlineText(nodes: readonly Inline[]): string {
  return nodes
    .map((n) => {
      if (n.type === 'text' || n.type === 'code' || n.type === 'mention') return n.text;
      if (n.type === 'linebreak') return ' ';
      if (n.type === 'room_mention') return '@room';
      return hasChildren(n) ? inlineText(n.children) : '';
    })
    .join('');
}

/** True when a link's visible text claims a different address than its target. */
export function isDisguisedLink(label: string, href: string): boolean {
  return looksLikeUrl(label) && !labelMatchesTarget(label, href);
}

/** The label as plain (unlinked) content, then the real target as a link of its own. */
function reveal(link: Extract<Inline, { type: 'link' }>): Inline[] {
  return [
    ...link.children,
    { type: 'text', text: ' (' },
    { type: 'link', href: link.href, children: [{ type: 'text', text: link.href }] },
    { type: 'text', text: ')' },
  ];
}

/** Returns `text` with every disguised link shown with its real target. */
export function revealDisguisedLinks(text: FormattedText): FormattedText {
  return mapInlines(text, (node) =>
    node.type === 'link' && isDisguisedLink(inlineText(node.children), node.href)
      ? reveal(node)
      : undefined,
  );
}
