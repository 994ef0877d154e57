import { describe, expect, it } from 'vitest';
import { MAX_HTML_LENGTH, sanitizeMatrixHtml } from '../../../src/format/index.js';

describe('sanitizeMatrixHtml', () => {
  it('keeps the formatting the Matrix spec allows', () => {
    const html =
      '<p><b>b</b> <i>i</i> <u>u</u> <del>d</del> <strike>s</strike> <code>c</code></p>' +
      '<blockquote>q</blockquote><ol start="3"><li>x</li></ol><hr><h3>h</h3>' +
      '<a href="https://example.org/">l</a><pre><code class="language-ts">x</code></pre>';
    expect(sanitizeMatrixHtml(html)).toBe(html.replace('<hr>', '<hr />'));
  });

  it('drops script and style elements with their content', () => {
    expect(sanitizeMatrixHtml('<script>alert(1)</script>hi<style>p{color:red}</style>')).toBe('hi');
    expect(sanitizeMatrixHtml('<svg><script>alert(1)</script></svg>ok')).toBe('ok');
  });

  it('drops event handlers and non-mxc images', () => {
    expect(sanitizeMatrixHtml('<img src=x onerror=alert(1)>')).toBe('');
    expect(sanitizeMatrixHtml('<img src="https://evil.example/x.png">')).toBe('');
    expect(sanitizeMatrixHtml('<b onclick="alert(1)" onmouseover="x()">x</b>')).toBe('<b>x</b>');
    expect(sanitizeMatrixHtml('<img src="mxc://server/media" alt=":cat:">')).toBe(
      '<img src="mxc://server/media" alt=":cat:" />',
    );
  });

  it('removes javascript:, data: and protocol-relative link targets', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'data:text/html,x',
      '//evil.example',
    ]) {
      const out = sanitizeMatrixHtml(`<a href="${href}">x</a>`);
      expect(out).toBe('<a>x</a>');
    }
    expect(sanitizeMatrixHtml('<a href="&#106;avascript:alert(1)">x</a>')).toBe('<a>x</a>');
    expect(sanitizeMatrixHtml('<a href="magnet:?xt=urn:btih:abc">m</a>')).toBe(
      '<a href="magnet:?xt=urn:btih:abc">m</a>',
    );
    expect(sanitizeMatrixHtml('<a href="mailto:a@b.c">m</a>')).toBe('<a href="mailto:a@b.c">m</a>');
  });

  it('keeps only language-* classes on code', () => {
    expect(sanitizeMatrixHtml('<code class="language-rust evil">x</code>')).toBe(
      '<code class="language-rust">x</code>',
    );
    expect(sanitizeMatrixHtml('<p class="x" style="color:red">x</p>')).toBe('<p>x</p>');
  });

  it('drops disallowed tags but keeps their text', () => {
    expect(sanitizeMatrixHtml('<iframe src="https://x"></iframe><marquee>t</marquee>')).toBe('t');
    expect(sanitizeMatrixHtml('<form><input value="x">y</form>')).toBe('y');
  });

  it('keeps mx-reply for the parser to remove', () => {
    expect(sanitizeMatrixHtml('<mx-reply><blockquote>q</blockquote></mx-reply>r')).toContain(
      '<mx-reply>',
    );
  });

  it('bounds nesting depth without throwing', () => {
    const deep = '<b>'.repeat(10_000) + 'x' + '</b>'.repeat(10_000);
    const out = sanitizeMatrixHtml(deep);
    expect(out).toContain('x');
    expect((out.match(/<b>/g) ?? []).length).toBeLessThanOrEqual(100);
  });

  it('truncates huge input before parsing', () => {
    const big = `<p>${'a'.repeat(1024 * 1024)}</p>`;
    const out = sanitizeMatrixHtml(big);
    expect(out.length).toBeLessThanOrEqual(MAX_HTML_LENGTH + 10);
    expect(out.startsWith('<p>aaa')).toBe(true);
  });

  it('never splits a surrogate pair when truncating', () => {
    const html = 'a' + '😀'.repeat(MAX_HTML_LENGTH);
    const out = sanitizeMatrixHtml(html);
    expect(out.length).toBeLessThanOrEqual(MAX_HTML_LENGTH);
    expect(/[\uD800-\uDBFF]$/.test(out)).toBe(false);
  });

  it('returns empty string for empty or non-string input', () => {
    expect(sanitizeMatrixHtml('')).toBe('');
    expect(sanitizeMatrixHtml(42 as unknown as string)).toBe('');
  });
});
