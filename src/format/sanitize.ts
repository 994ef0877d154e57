/**
 * Sanitises Matrix `org.matrix.custom.html` bodies down to the tags and attributes the
 * Matrix client-server spec recommends (§ m.room.message "HTML" / formatted bodies).
 * Input is bounded in length and nesting depth so hostile events cannot make parsing
 * expensive.
 */
import sanitizeHtml from 'sanitize-html';

/** Inputs longer than this (UTF-16 code units) are truncated before parsing. */
export const MAX_HTML_LENGTH = 100 * 1024;
/** Elements nested deeper than this are dropped (their text is kept). */
export const MAX_HTML_NESTING = 100;

const ALLOWED_TAGS = [
  'font',
  'del',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'p',
  'a',
  'ul',
  'ol',
  'sup',
  'sub',
  'li',
  'b',
  'i',
  'u',
  'strong',
  'em',
  'strike',
  's',
  'code',
  'hr',
  'br',
  'div',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'caption',
  'pre',
  'span',
  'img',
  'details',
  'summary',
  'mx-reply',
];

const COLOR_ATTRS = ['data-mx-bg-color', 'data-mx-color'];

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: ALLOWED_TAGS,
  allowedAttributes: {
    font: [...COLOR_ATTRS, 'color'],
    span: [...COLOR_ATTRS, 'data-mx-spoiler', 'data-mx-maths'],
    div: ['data-mx-maths'],
    a: ['name', 'target', 'href'],
    img: ['width', 'height', 'alt', 'title', 'src', 'data-mx-emoticon'],
    ol: ['start'],
    code: ['class'],
  },
  allowedClasses: {
    code: [/^language-[A-Za-z0-9_+#.-]{1,64}$/],
  },
  allowedSchemes: ['https', 'http', 'ftp', 'mailto', 'magnet'],
  allowedSchemesByTag: { img: ['mxc'] },
  allowedSchemesAppliedToAttributes: ['href', 'src', 'cite'],
  allowProtocolRelative: false,
  disallowedTagsMode: 'discard',
  nestingLimit: MAX_HTML_NESTING,
  parseStyleAttributes: false,
  exclusiveFilter: (frame) =>
    // An <img> must point at the homeserver's media repository; anything else is dropped.
    frame.tag === 'img' &&
    !(typeof frame.attribs.src === 'string' && frame.attribs.src.startsWith('mxc://')),
};

/** Cuts `s` to at most `max` code units without splitting a surrogate pair. */
export function truncateUtf16(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const last = s.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return s.slice(0, end);
}

export function sanitizeMatrixHtml(html: string): string {
  if (typeof html !== 'string' || html === '') return '';
  try {
    return sanitizeHtml(truncateUtf16(html, MAX_HTML_LENGTH), OPTIONS);
  } catch {
    // sanitize-html should not throw, but a formatting failure must never drop a message.
    return '';
  }
}
