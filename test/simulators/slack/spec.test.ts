import { describe, expect, it } from 'vitest';
import { loadSlackSpec } from './spec.js';

// The validators the simulator tests rely on must actually reject wrong shapes.
describe('Slack spec loader', () => {
  const spec = loadSlackSpec();

  it('rejects answers that break the published schema', () => {
    expect(() =>
      spec.check(spec.method('chat.postMessage'), { ok: true, channel: 'C0123456789', ts: 5 }),
    ).toThrow(/ts/);
    expect(() => spec.check(spec.method('auth.test'), { ok: true, url: 'x' })).toThrow(/team/);
    expect(() =>
      spec.check(spec.definition('objs_message'), {
        type: 'message',
        text: 'x',
        ts: '1',
        extra: 1,
      }),
    ).toThrow(/additional/);
  });

  it('accepts what Slack sends today where the 2020 description lags (errata)', () => {
    spec.check(spec.definition('objs_message'), {
      type: 'message',
      text: 'x',
      ts: '1700000000.000100',
      edited: { user: 'U0123456789', ts: '1700000001.000100' },
      metadata: { event_type: 't', event_payload: {} },
    });
    spec.check(spec.method('conversations.history'), {
      ok: true,
      messages: [],
      has_more: false,
      pin_count: 0,
      channel_actions_ts: null,
      channel_actions_count: 0,
      response_metadata: { next_cursor: '' },
    });
  });

  it('checks the Events API wrapper, without the retired authed_users', () => {
    const wrapper = spec.eventWrapper();
    expect(() => spec.check(wrapper, { type: 'event_callback' })).toThrow(/event_id/);
    spec.check(wrapper, {
      token: 't',
      team_id: 'T0123456789',
      api_app_id: 'A0123456789',
      event: { type: 'message', event_ts: '1700000000.000100' },
      type: 'event_callback',
      event_id: 'Ev0123456789',
      event_time: 1700000000,
    });
  });
});
