import { createHmac, timingSafeEqual } from 'node:crypto';

/** Slack refuses to replay older requests; so do we (5 minutes, as Slack's docs say). */
export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureCheck = 'ok' | 'missing' | 'stale' | 'mismatch';

/**
 * Checks `x-slack-signature` (`v0=` + hex HMAC-SHA256 of `v0:{timestamp}:{body}` with the
 * signing secret) over the exact body bytes, and that the timestamp is recent.
 */
export function checkSignature(
  signingSecret: string,
  headers: Record<string, string | undefined>,
  body: Buffer,
  nowSeconds = Math.floor(Date.now() / 1000),
): SignatureCheck {
  const signature = headers['x-slack-signature'];
  const timestamp = headers['x-slack-request-timestamp'];
  if (!signature || !timestamp) return 'missing';
  if (!/^\d{1,12}$/.test(timestamp)) return 'stale';
  if (Math.abs(nowSeconds - Number(timestamp)) > MAX_SKEW_SECONDS) return 'stale';
  const mac = createHmac('sha256', signingSecret);
  mac.update(`v0:${timestamp}:`);
  mac.update(body);
  const expected = Buffer.from(`v0=${mac.digest('hex')}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected) ? 'ok' : 'mismatch';
}
