/**
 * Retry-After and its platform variants, by class: valid seconds and HTTP-dates in all three
 * RFC 9110 forms, and hostile values (negative, huge, garbage, past dates, impossible dates)
 * that must neither make the bridge spin nor park it.
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_RETRY_AFTER_MS,
  clampRetryAfterMs,
  parseRetryAfter,
  retryAfterFromHeaders,
  retryAfterFromSeconds,
} from '../../../src/connector/retry-after.js';

const now = Date.UTC(2026, 11, 7, 12, 0, 0);

describe('parseRetryAfter', () => {
  it.each([
    ['0', 0],
    ['1', 1000],
    ['  120 ', 120_000],
    ['1.5', 1500],
    ['3600', MAX_RETRY_AFTER_MS],
    ['Mon, 07 Dec 2026 12:00:30 GMT', 30_000],
    ['Monday, 07-Dec-26 12:00:30 GMT', 30_000],
    ['Mon Dec  7 12:00:30 2026', 30_000],
    ['Mon Dec 07 12:01:00 2026', 60_000],
  ])('reads %j as %d ms', (value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([
    ['a date in the past', 'Sun, 06 Nov 1994 08:49:37 GMT', 0],
    ['an RFC 850 date of the last century', 'Sunday, 06-Nov-94 08:49:37 GMT', 0],
    ['a date years ahead', 'Fri, 01 Jan 2100 00:00:00 GMT', MAX_RETRY_AFTER_MS],
    ['a huge number of seconds', '99999999999999999999', MAX_RETRY_AFTER_MS],
    ['one above the cap', String(MAX_RETRY_AFTER_MS / 1000 + 1), MAX_RETRY_AFTER_MS],
  ])('clamps %s', (_what, value, ms) => {
    expect(parseRetryAfter(value, now)).toBe(ms);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['negative', '-5'],
    ['negative zero', '-0'],
    ['exponent', '1e3'],
    ['hexadecimal', '0x10'],
    ['Infinity', 'Infinity'],
    ['NaN', 'NaN'],
    ['a unit', '5s'],
    ['thousands separator', '1,000'],
    ['two numbers', '1 2'],
    ['a word', 'soon'],
    ['ISO 8601', '2026-12-07T12:00:30Z'],
    ['date without GMT', 'Mon, 07 Dec 2026 12:00:30'],
    ['date in another zone', 'Mon, 07 Dec 2026 12:00:30 PST'],
    ['lower-case month', 'Mon, 07 dec 2026 12:00:30 GMT'],
    ['31 February', 'Mon, 31 Feb 2026 12:00:30 GMT'],
    ['hour 25', 'Mon, 07 Dec 2026 25:00:30 GMT'],
    ['minute 61', 'Mon, 07 Dec 2026 12:61:30 GMT'],
    ['very long', '1'.repeat(10_000)],
    ['control characters', '5\u0000'],
    ['a list', '5, 10'],
  ])('refuses %s', (_what, value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });

  it('refuses what is not a string', () => {
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe('numbers from libraries and bodies', () => {
  it.each([
    [2, 2000],
    [0, 0],
    [1e12, MAX_RETRY_AFTER_MS],
    [Number.POSITIVE_INFINITY, MAX_RETRY_AFTER_MS],
    [-1, undefined],
    [Number.NaN, undefined],
    ['2', undefined],
    [undefined, undefined],
  ])('seconds %s → %s ms', (seconds, ms) => {
    expect(retryAfterFromSeconds(seconds)).toBe(ms);
  });

  it.each([
    [1234.2, 1235],
    [-1, undefined],
    [Number.NaN, undefined],
    [{}, undefined],
    [1e15, MAX_RETRY_AFTER_MS],
  ])('milliseconds %s → %s', (ms, expected) => {
    expect(clampRetryAfterMs(ms)).toBe(expected);
  });
});

describe('retryAfterFromHeaders', () => {
  it('reads fetch Headers, a Map with any casing, and a plain object', () => {
    expect(retryAfterFromHeaders(new Headers({ 'Retry-After': '2' }), { now })).toBe(2000);
    expect(retryAfterFromHeaders(new Map([['Retry-After', '3']]), { now })).toBe(3000);
    expect(retryAfterFromHeaders({ 'retry-after': '4' }, { now })).toBe(4000);
    expect(retryAfterFromHeaders({ 'Retry-After': ['5', '9'] }, { now })).toBe(5000);
    expect(retryAfterFromHeaders({ 'retry-after': 6 }, { now })).toBe(6000);
    expect(retryAfterFromHeaders(undefined, { now })).toBeUndefined();
    expect(retryAfterFromHeaders(new Headers(), { now })).toBeUndefined();
  });

  it('takes the later of Retry-After and an epoch-ms reset (Rocket.Chat)', () => {
    const h = (after: string, reset: string) =>
      new Headers({ 'retry-after': after, 'x-ratelimit-reset': reset });
    expect(retryAfterFromHeaders(h('2', String(now + 4500)), { reset: 'epoch-ms', now })).toBe(
      4500,
    );
    expect(retryAfterFromHeaders(h('9', String(now + 4500)), { reset: 'epoch-ms', now })).toBe(
      9000,
    );
    expect(
      retryAfterFromHeaders(new Headers({ 'x-ratelimit-reset': String(now + 700) }), {
        reset: 'epoch-ms',
        now,
      }),
    ).toBe(700);
  });

  it.each([
    ['in the past', String(now - 10_000), 0],
    ['in seconds, not ms', String(Math.floor(now / 1000) + 5), undefined],
    ['garbage', 'later', undefined],
    ['negative', '-5', undefined],
    ['far ahead', String(now + 1e12), MAX_RETRY_AFTER_MS],
  ])('an epoch-ms reset %s', (_what, reset, ms) => {
    const headers = new Headers({ 'x-ratelimit-reset': reset });
    expect(retryAfterFromHeaders(headers, { reset: 'epoch-ms', now })).toBe(ms);
  });

  it('reads a seconds-from-now reset (Mattermost) and ignores it unless asked', () => {
    const headers = new Map([['X-Ratelimit-Reset', '3']]);
    expect(retryAfterFromHeaders(headers, { reset: 'seconds-from-now', now })).toBe(3000);
    expect(retryAfterFromHeaders(headers, { now })).toBeUndefined();
  });
});
