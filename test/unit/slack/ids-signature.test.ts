import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  compareTs,
  eventKeys,
  msToTs,
  toRemoteUser,
  toSlackUser,
  tsToMs,
} from '../../../connectors/slack/ids.js';
import { checkSignature } from '../../../connectors/slack/signature.js';
import { configSchema } from '../../../connectors/slack/config.js';
import { newAjv } from '../../../src/config/validate.js';

describe('ids', () => {
  it('keeps user ids lower case for ghosts and restores them exactly', () => {
    expect(toRemoteUser('U0ABC123')).toBe('u0abc123');
    expect(toSlackUser('u0abc123')).toBe('U0ABC123');
    expect(toSlackUser('b0bot1')).toBe('B0BOT1');
    expect(toSlackUser('@someone:matrix')).toBeUndefined();
    expect(toSlackUser('U0ABC')).toBeUndefined();
  });

  it('orders and converts message timestamps', () => {
    expect(compareTs('1700000000.000100', '1700000000.000099')).toBe(1);
    expect(compareTs('999999999.999999', '1000000000.000000')).toBe(-1);
    expect(tsToMs('1700000000.123456')).toBe(1700000000123);
    expect(msToTs(1700000000123)).toBe('1700000000.123000');
    expect(compareTs(msToTs(tsToMs('1700000000.123456') - 1), '1700000000.123456')).toBe(-1);
  });

  it('builds keys from what stays the same across retries, redeliveries and history', () => {
    expect(eventKeys.message('C1', '1.000001')).toBe('msg:C1:1.000001');
    expect(eventKeys.edit('C1', '1.000001', '2.000002')).not.toBe(
      eventKeys.edit('C1', '1.000001', '3.000003'),
    );
    expect(eventKeys.reaction(true, 'C1', '1.000001', 'U1', '+1', '5.000005')).not.toBe(
      eventKeys.reaction(false, 'C1', '1.000001', 'U1', '+1', '5.000005'),
    );
  });
});

describe('request signatures', () => {
  const secret = '8f742231b10e8888abcd99yyyzzz85a5';
  const body = Buffer.from('{"type":"event_callback"}');
  const now = 1_700_000_000;
  const sign = (ts: number, b = body) =>
    `v0=${createHmac('sha256', secret).update(`v0:${ts}:${b.toString()}`).digest('hex')}`;
  const headers = (ts: number, sig = sign(ts)) => ({
    'x-slack-request-timestamp': String(ts),
    'x-slack-signature': sig,
  });

  it('accepts a valid signature within five minutes', () => {
    expect(checkSignature(secret, headers(now), body, now)).toBe('ok');
    expect(checkSignature(secret, headers(now - 299), body, now)).toBe('ok');
  });

  it('refuses missing, stale, malformed and wrong signatures', () => {
    expect(checkSignature(secret, {}, body, now)).toBe('missing');
    expect(checkSignature(secret, headers(now - 301), body, now)).toBe('stale');
    expect(checkSignature(secret, headers(now + 301), body, now)).toBe('stale');
    expect(
      checkSignature(secret, { ...headers(now), 'x-slack-request-timestamp': '1e9' }, body, now),
    ).toBe('stale');
    expect(checkSignature(secret, headers(now, sign(now).slice(0, -1)), body, now)).toBe(
      'mismatch',
    );
    expect(checkSignature(secret, headers(now, sign(now - 1)), body, now)).toBe('mismatch');
    expect(
      checkSignature(secret, headers(now), Buffer.from('{"type":"event_callback" }'), now),
    ).toBe('mismatch');
  });
});

describe('config schema', () => {
  const validate = newAjv(false).compile(configSchema);
  const ok = (block: unknown) => validate(block);

  it('needs an app token in Socket Mode and a signing secret with the Events API', () => {
    expect(
      ok({ workspaces: { a: { bot_token: 'xoxb-1-2', mode: 'socket', app_token: 'xapp-1-A-2' } } }),
    ).toBe(true);
    expect(ok({ workspaces: { a: { bot_token: 'xoxb-1-2', mode: 'socket' } } })).toBe(false);
    expect(
      ok({
        workspaces: {
          a: { bot_token: 'xoxb-1-2', mode: 'events', signing_secret: 'a'.repeat(32) },
        },
      }),
    ).toBe(true);
    expect(ok({ workspaces: { a: { bot_token: 'xoxb-1-2', mode: 'events' } } })).toBe(false);
  });

  it('refuses wrong token kinds, bad names and unknown keys', () => {
    expect(
      ok({ workspaces: { a: { bot_token: 'xoxp-1-2', mode: 'socket', app_token: 'xapp-1' } } }),
    ).toBe(false);
    expect(
      ok({ workspaces: { A: { bot_token: 'xoxb-1', mode: 'socket', app_token: 'xapp-1' } } }),
    ).toBe(false);
    expect(
      ok({
        workspaces: { a: { bot_token: 'xoxb-1', mode: 'socket', app_token: 'xapp-1', extra: 1 } },
      }),
    ).toBe(false);
    expect(
      ok({
        workspaces: {
          a: {
            bot_token: 'xoxb-1',
            mode: 'events',
            signing_secret: 'x'.repeat(32),
            api_url: 'http://sim/api',
          },
        },
      }),
    ).toBe(false);
  });
});
