/**
 * A tiny element tree built with htmlparser2's streaming parser. Only used on HTML that
 * already went through `sanitizeMatrixHtml`, so it is small and shallow; the builder still
 * bounds depth itself so it is safe on any input.
 */
import { Parser } from 'htmlparser2';

export interface HtmlElement {
  type: 'element';
  name: string;
  attrs: Record<string, string>;
  children: HtmlNode[];
}

export interface HtmlText {
  type: 'text';
  text: string;
}

export type HtmlNode = HtmlElement | HtmlText;

const MAX_DEPTH = 200;

export function parseHtmlTree(html: string): HtmlElement {
  const root: HtmlElement = { type: 'element', name: '#root', attrs: {}, children: [] };
  const stack: HtmlElement[] = [root];
  // Elements opened beyond MAX_DEPTH are not materialised; count them so their close tags match.
  let skipped = 0;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (stack.length >= MAX_DEPTH) {
          skipped += 1;
          return;
        }
        const el: HtmlElement = { type: 'element', name, attrs: { ...attrs }, children: [] };
        stack[stack.length - 1]!.children.push(el);
        stack.push(el);
      },
      ontext(text) {
        const parent = stack[stack.length - 1]!;
        const last = parent.children[parent.children.length - 1];
        if (last?.type === 'text') last.text += text;
        else parent.children.push({ type: 'text', text });
      },
      onclosetag(name) {
        if (skipped > 0) {
          skipped -= 1;
          return;
        }
        // htmlparser2 reports implied closes too, so the stack top is normally `name`.
        for (let i = stack.length - 1; i > 0; i -= 1) {
          if (stack[i]!.name === name) {
            stack.length = i;
            return;
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(html);
  parser.end();
  return root;
}

export function textContent(node: HtmlNode): string {
  if (node.type === 'text') return node.text;
  let out = '';
  const stack: HtmlNode[] = [node];
  // Iterative walk, children visited in document order.
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (n.type === 'text') out += n.text;
    else if (n.name === 'br') out += '\n';
    else for (let i = n.children.length - 1; i >= 0; i -= 1) stack.push(n.children[i]!);
  }
  return out;
}
