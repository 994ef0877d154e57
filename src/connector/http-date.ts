/**
 * HTTP-date (RFC 9110 §5.6.7) to epoch milliseconds. Recipients must accept all three forms:
 * IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form
 * (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`), all in UTC.
 * `Date.parse` is not used: it accepts far more than this grammar and reads asctime as local
 * time.
 */

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAY = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';

const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
const RFC850_DATE = new RegExp(`^${LONG_DAY}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY} ${MONTH} ([ \\d]\\d) ${TIME} (\\d{4})$`);

interface Parts {
  year: number;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

/** The epoch ms of an HTTP-date, or undefined when `value` is not one (or names no real time). */
export function parseHttpDate(value: string, now = Date.now()): number | undefined {
  const parts = matchParts(value.trim(), now);
  return parts && toEpochMs(parts);
}

function matchParts(value: string, now: number): Parts | undefined {
  let m = IMF_FIXDATE.exec(value);
  if (m) return { day: m[1]!, month: m[2]!, year: Number(m[3]), ...clock(m, 4) };
  m = RFC850_DATE.exec(value);
  if (m) return { day: m[1]!, month: m[2]!, year: fullYear(Number(m[3]), now), ...clock(m, 4) };
  m = ASCTIME_DATE.exec(value);
  if (m) return { month: m[1]!, day: m[2]!.trim(), year: Number(m[6]), ...clock(m, 3) };
  return undefined;
}

function clock(m: RegExpExecArray, from: number): Pick<Parts, 'hour' | 'minute' | 'second'> {
  return { hour: m[from]!, minute: m[from + 1]!, second: m[from + 2]! };
}

/** RFC 9110: a two-digit year more than 50 years ahead is in the past century. */
function fullYear(twoDigits: number, now: number): number {
  const thisYear = new Date(now).getUTCFullYear();
  const century = Math.floor(thisYear / 100) * 100;
  const year = century + twoDigits;
  return year > thisYear + 50 ? year - 100 : year;
}

function toEpochMs(p: Parts): number | undefined {
  const month = MONTHS.indexOf(p.month);
  const [day, hour, minute, second] = [p.day, p.hour, p.minute, p.second].map(Number) as [
    number,
    number,
    number,
    number,
  ];
  // Leap seconds (60) are allowed by the grammar; they are read as the next second.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = Date.UTC(p.year, month, day, hour, minute, second);
  // Date.UTC rolls 31 Feb over to March: a date that does not exist is no date.
  return new Date(ms).getUTCDate() === day || second === 60 ? ms : undefined;
}
