/**
 * An independent check of what Matrix clients are handed: the tags and attributes the
 * client-server spec allows in `org.matrix.custom.html` bodies (m.room.message, "HTML
 * formatted bodies"), safe link schemes, images only from the media repository.
 */
import { Parser } from 'htmlparser2';

const TAGS = new Set([
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
  's',
  'strike',
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
]);
const COLOURS = ['data-mx-bg-color', 'data-mx-color'];
const ATTRIBUTES: Record<string, string[]> = {
  font: [...COLOURS, 'color'],
  span: [...COLOURS, 'data-mx-spoiler', 'data-mx-maths'],
  div: ['data-mx-maths'],
  a: ['name', 'target', 'href'],
  img: ['width', 'height', 'alt', 'title', 'src', 'data-mx-emoticon'],
  ol: ['start'],
  code: ['class'],
};
const LINK_SCHEMES = new Set(['http', 'https', 'ftp', 'mailto', 'magnet', 'matrix']);

/** What in `html` a Matrix client must not be given; empty when it is all allowed. */
export function unsafeMatrixHtml(html: string): string[] {
  const problems: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (!TAGS.has(name)) problems.push(`<${name}>`);
        for (const [attr, value] of Object.entries(attribs)) {
          if (!(ATTRIBUTES[name] ?? []).includes(attr)) problems.push(`<${name} ${attr}>`);
          if (name === 'a' && attr === 'href') {
            const scheme = /^\s*([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]?.toLowerCase();
            if (!scheme || !LINK_SCHEMES.has(scheme)) problems.push(`<a href="${value}">`);
          }
          if (name === 'img' && attr === 'src' && !value.startsWith('mxc://'))
            problems.push(`<img src="${value}">`);
          if (name === 'code' && attr === 'class' && !/^language-[\w-]+$/.test(value))
            problems.push(`<code class="${value}">`);
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return problems;
}
