/**
 * Whether `text` names `id` as a whole: an occurrence not run into by more of an id
 * (letters, digits, `.`, `_`, `-`, `=`) on either side. `U12` does not name `U123`, and
 * `@bob:x` does not name `@bob:x.org`; `posted:ws:U12` and `"U12"` do name `U12`.
 */
const ID_CHAR = /[A-Za-z0-9._=-]/;

function standsAlone(text: string, id: string, at: number): boolean {
  const before = at === 0 ? '' : text[at - 1]!;
  const after = text[at + id.length] ?? '';
  return !ID_CHAR.test(before) && !ID_CHAR.test(after);
}

export function namesId(text: string | null | undefined, id: string): boolean {
  if (!text || !id) return false;
  for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + 1)) {
    if (standsAlone(text, id, at)) return true;
  }
  return false;
}

/** `text` with every occurrence that names `id` (as namesId) replaced by `by`. */
export function replaceId(text: string, id: string, by: string): string {
  if (!id) return text;
  let out = '';
  let from = 0;
  for (let at = text.indexOf(id); at >= 0; at = text.indexOf(id, at + id.length)) {
    if (!standsAlone(text, id, at)) continue;
    out += text.slice(from, at) + by;
    from = at + id.length;
  }
  return out + text.slice(from);
}
