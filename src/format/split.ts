/**
 * Splits long message text into chunks a platform accepts. Lengths are UTF-16 code units
 * (what JavaScript, Matrix and most platform limits count); surrogate pairs are never cut.
 * Preference: paragraph break, then line break, then space, then a hard cut. A fenced code
 * block cut in two is closed at the end of one chunk and reopened at the start of the next.
 */

interface Fence {
  /** The opening line as written again at the top of the next chunk (e.g. "```ts"). */
  open: string;
  /** The line that closes it (e.g. "```"). */
  close: string;
  char: '`' | '~';
  length: number;
}

const FENCE_LINE = /^ {0,3}(`{3,}|~{3,})(.*)$/;

function fenceOpening(line: string): Fence | undefined {
  const m = FENCE_LINE.exec(line);
  if (!m) return undefined;
  const marker = m[1]!;
  const info = m[2]!;
  const char = marker[0] === '`' ? '`' : '~';
  if (char === '`' && info.includes('`')) return undefined;
  return { open: marker + info.trim(), close: marker, char, length: marker.length };
}

function closesFence(line: string, fence: Fence): boolean {
  const m = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line);
  return m !== null && m[1]![0] === fence.char && m[1]!.length >= fence.length;
}

/** Fence state changes within `text`: at each `pos` (start of the following line) the state becomes `fence`. */
function fenceTransitions(
  text: string,
  start: Fence | undefined,
  limit: number,
): { pos: number; fence: Fence | undefined }[] {
  const out: { pos: number; fence: Fence | undefined }[] = [];
  let fence = start;
  let lineStart = 0;
  while (lineStart <= limit && lineStart < text.length) {
    let end = text.indexOf('\n', lineStart);
    if (end < 0) end = text.length;
    if (end > limit) break;
    const line = text.slice(lineStart, end);
    if (fence === undefined) {
      const opened = fenceOpening(line);
      if (opened) {
        fence = opened;
        out.push({ pos: end, fence });
      }
    } else if (closesFence(line, fence)) {
      fence = undefined;
      out.push({ pos: end, fence });
    }
    lineStart = end + 1;
  }
  return out;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLowSurrogate = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

export function splitText(text: string, maxLength: number): string[] {
  if (!Number.isFinite(maxLength) || Math.floor(maxLength) < 2) {
    throw new RangeError(`splitText: maxLength must be at least 2, got ${maxLength}`);
  }
  const max = Math.floor(maxLength);
  const chunks: string[] = [];
  let rest = text;
  let open: Fence | undefined;

  while (rest !== '') {
    // Reopen a fence carried over from the previous chunk, when there is room to do so.
    const canFence = open !== undefined && open.open.length + 1 + open.close.length + 2 <= max;
    if (!canFence) open = undefined;
    const prefix = open ? `${open.open}\n` : '';
    if (prefix.length + rest.length <= max) {
      chunks.push(prefix + rest);
      break;
    }
    const limit = max - prefix.length;
    const transitions = fenceTransitions(rest, open, limit);
    const fenceAt = (p: number): Fence | undefined => {
      let f = open;
      for (const t of transitions) {
        if (t.pos <= p) f = t.fence;
        else break;
      }
      return f;
    };
    // Room needed after a cut at p to close a fence still open there.
    const closeCost = (p: number): number => {
      const f = fenceAt(p);
      if (f === undefined) return 0;
      const needsNewline = p > 0 && rest[p - 1] !== '\n';
      return f.close.length + (needsNewline ? 1 : 0);
    };
    // Cutting right after an opening fence line would only produce an empty code block.
    const opensAt = new Set(transitions.filter((t) => t.fence !== undefined).map((t) => t.pos));
    const fits = (p: number): boolean => p > 0 && !opensAt.has(p) && p + closeCost(p) <= limit;

    const cut = findCut(rest, limit, fits);
    let piece = rest.slice(0, cut.end);
    let next = rest.slice(cut.resume);
    const fence = fenceAt(cut.end);
    if (fence !== undefined && fits(cut.end)) {
      piece += `${piece.endsWith('\n') ? '' : '\n'}${fence.close}`;
      // If the original closing line comes right after the cut, ours replaces it.
      const nl = next.indexOf('\n');
      const firstLine = nl < 0 ? next : next.slice(0, nl);
      if (closesFence(firstLine, fence)) {
        next = nl < 0 ? '' : next.slice(nl + 1);
        open = undefined;
      } else {
        open = fence;
      }
    } else {
      open = undefined;
    }
    if (prefix !== '' || piece !== '') chunks.push(prefix + piece);
    rest = next;
  }
  return chunks;
}

/** Where to end this chunk (`end`) and where the next one starts (`resume`). */
function findCut(
  rest: string,
  limit: number,
  fits: (p: number) => boolean,
): { end: number; resume: number } {
  const half = Math.floor(limit / 2);
  const candidates: { end: number; resume: number }[] = [];

  // Paragraph break: a blank line.
  const para = lastMatch(
    rest,
    /\n[ \t]*\n/g,
    limit,
    (m) => {
      let end = m.index;
      while (end > 0 && rest[end - 1] === '\n') end -= 1;
      let resume = m.index + m[0].length;
      while (rest[resume] === '\n') resume += 1;
      return { end, resume };
    },
    fits,
  );
  if (para) candidates.push(para);
  const line = lastChar(rest, '\n', limit, fits);
  if (line !== undefined) candidates.push({ end: line, resume: line + 1 });
  const space = lastChar(rest, ' ', limit, fits);
  if (space !== undefined) candidates.push({ end: space, resume: space + 1 });

  // Take the best-ranked break that still fills at least half the chunk; else the longest.
  const good = candidates.find((c) => c.end >= half);
  if (good) return good;
  let best: { end: number; resume: number } | undefined;
  for (const c of candidates) if (!best || c.end > best.end) best = c;
  if (best) return best;

  // Hard cut, never between the halves of a surrogate pair.
  let end = limit;
  while (end > 1 && !fits(end)) end -= 1;
  if (
    end < rest.length &&
    isHighSurrogate(rest.charCodeAt(end - 1)) &&
    isLowSurrogate(rest.charCodeAt(end))
  ) {
    end -= 1;
  }
  if (end < 1) end = Math.min(2, rest.length);
  return { end, resume: end };
}

function lastChar(
  rest: string,
  ch: string,
  limit: number,
  fits: (p: number) => boolean,
): number | undefined {
  let i = rest.lastIndexOf(ch, limit);
  while (i > 0) {
    if (fits(i)) return i;
    i = rest.lastIndexOf(ch, i - 1);
  }
  return undefined;
}

function lastMatch(
  rest: string,
  re: RegExp,
  limit: number,
  toCut: (m: RegExpExecArray) => { end: number; resume: number },
  fits: (p: number) => boolean,
): { end: number; resume: number } | undefined {
  let best: { end: number; resume: number } | undefined;
  re.lastIndex = 0;
  const window = rest.slice(0, limit + 2);
  for (let m = re.exec(window); m !== null; m = re.exec(window)) {
    const cut = toCut(m);
    if (cut.end > 0 && fits(cut.end)) best = cut;
    if (m[0].length === 0) re.lastIndex += 1;
  }
  return best;
}
