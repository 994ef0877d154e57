import { describe, expect, it } from 'vitest';
import { RemoteApiError, UnsupportedError } from '../../src/connector/errors.js';
import { classifyFailure, retryDelay } from '../../src/core/retry.js';
import { BridgeError } from '../../src/util/errors.js';

const policy = { maxAttempts: 5, initialDelayMs: 300, maxDelayMs: 5000 };

describe('retryDelay', () => {
  it('is a whole number of milliseconds between the first delay and the exponential ceiling', () => {
    for (let attempt = 1; attempt <= 8; attempt++) {
      const exp = Math.min(5000, 300 * 2 ** (attempt - 1));
      for (let i = 0; i < 50; i++) {
        const d = retryDelay(policy, attempt);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(300);
        expect(d).toBeLessThanOrEqual(exp);
      }
    }
  });

  it('waits at least as long as the server asked', () => {
    expect(retryDelay(policy, 1, 7000.5)).toBe(7001);
  });
});

describe('classifyFailure', () => {
  it('retries rate limits and server errors with the server’s delay', () => {
    expect(classifyFailure(RemoteApiError.fromStatus(429, 'slow down', 2000))).toMatchObject({
      retryable: true,
      retryAfterMs: 2000,
    });
    expect(classifyFailure(RemoteApiError.fromStatus(503, 'busy')).retryable).toBe(true);
    expect(classifyFailure(RemoteApiError.fromStatus(400, 'bad')).retryable).toBe(false);
  });

  it('gives up at once on the bridge’s own refusals', () => {
    const info = classifyFailure(new BridgeError('MESSAGE_TOO_LONG', 'message is too long'));
    expect(info).toMatchObject({ retryable: false, message: 'message is too long' });
  });

  it('keeps unsupported features quiet and retries network failures', () => {
    expect(classifyFailure(new UnsupportedError('reactions'))).toMatchObject({
      retryable: false,
      quiet: true,
    });
    expect(classifyFailure(new TypeError('fetch failed')).retryable).toBe(true);
  });

  it('reads a homeserver’s 429 and retry_after_ms', () => {
    const err = { statusCode: 429, errcode: 'M_LIMIT_EXCEEDED', body: { retry_after_ms: 900 } };
    expect(classifyFailure(err)).toMatchObject({ retryable: true, retryAfterMs: 900 });
    expect(classifyFailure({ statusCode: 403, errcode: 'M_FORBIDDEN' }).retryable).toBe(false);
  });
});

describe('classifyFailure of hostile homeserver retry_after_ms', () => {
  it.each([
    [-5, undefined],
    ['900', undefined],
    [Number.NaN, undefined],
    [1e15, 3_600_000],
  ])('%s → %s', (value, expected) => {
    const err = { statusCode: 429, errcode: 'M_LIMIT_EXCEEDED', body: { retry_after_ms: value } };
    expect(classifyFailure(err).retryAfterMs).toBe(expected);
  });
});
