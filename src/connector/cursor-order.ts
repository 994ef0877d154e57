const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/**
 * Compares two cursors that are non-negative decimal numbers written as text (milliseconds,
 * or `seconds.micros` timestamps), exactly, without float rounding: negative when `a` is
 * before `b`. Undefined when either is not such a number (a page token cannot be ordered).
 */
export function compareDecimalCursors(a: string, b: string): number | undefined {
  const ma = DECIMAL.exec(a);
  const mb = DECIMAL.exec(b);
  if (!ma || !mb) return undefined;
  const ia = (ma[1] as string).replace(/^0+(?=\d)/, '');
  const ib = (mb[1] as string).replace(/^0+(?=\d)/, '');
  if (ia.length !== ib.length) return ia.length - ib.length;
  if (ia !== ib) return ia < ib ? -1 : 1;
  const fa = (ma[2] ?? '').replace(/0+$/, '');
  const fb = (mb[2] ?? '').replace(/0+$/, '');
  const width = Math.max(fa.length, fb.length);
  const pa = fa.padEnd(width, '0');
  const pb = fb.padEnd(width, '0');
  return pa === pb ? 0 : pa < pb ? -1 : 1;
}

/** Whether moving from `current` to `next` goes forward (or cannot be told: then it may). */
export function movesForward(current: string | undefined, next: string): boolean {
  if (current === undefined) return true;
  const order = compareDecimalCursors(next, current);
  return order === undefined ? next !== current : order > 0;
}
