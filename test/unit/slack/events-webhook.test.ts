import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../contract/fake-context.js';
import { eventBody, sign, startRig, type Rig } from './helpers.js';

let rig: Rig;
beforeEach(async () => {
  rig = await startRig('events');
  await waitFor('connected', () => rig.ctx.lastState('main')?.status === 'connected');
});
afterEach(async () => {
  await rig.close();
});

const post = (body: string, headers: Record<string, string>, url = rig.eventsUrl) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

const messages = () => rig.ctx.events.filter((e) => e.kind === 'message');

/** Posts a valid event and waits until it is recorded: every earlier request is settled. */
async function sendMarker(text: string): Promise<void> {
  const body = eventBody(rig.channel, rig.alice.id, text, 'Ev0MARKER01');
  const { ts } = (JSON.parse(body) as { event: { ts: string } }).event;
  expect((await post(body, sign(rig.app.signingSecret, body))).status).toBe(200);
  await waitFor(`the marker "${text}"`, () =>
    messages().find((e) => e.kind === 'message' && e.messageId === ts),
  );
}

describe('Events API intake', () => {
  it('answers the url_verification challenge of a signed request', async () => {
    const body = JSON.stringify({ token: 't', challenge: 'c-123', type: 'url_verification' });
    const res = await post(body, sign(rig.app.signingSecret, body));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: 'c-123' });
    expect(await rig.sim.verifyRequestUrl(rig.app.appId)).toBe(true);
  });

  it('refuses unsigned, wrongly signed and stale requests with 401 and records nothing', async () => {
    const body = eventBody(rig.channel, rig.alice.id, 'forged');
    const unsigned = await post(body, {});
    const wrong = await post(body, sign('0123456789abcdef0123456789abcdef', body));
    const stale = await post(
      body,
      sign(rig.app.signingSecret, body, Math.floor(Date.now() / 1000) - 301),
    );
    const future = await post(
      body,
      sign(rig.app.signingSecret, body, Math.floor(Date.now() / 1000) + 400),
    );
    const tampered = await post(
      body.replace('forged', 'FORGED'),
      sign(rig.app.signingSecret, body),
    );
    for (const res of [unsigned, wrong, stale, future, tampered]) expect(res.status).toBe(401);
    await sendMarker('the marker after the forgeries');
    expect(messages()).toHaveLength(1);
  });

  it('processes a replayed event once', async () => {
    const body = eventBody(rig.channel, rig.alice.id, 'said once', 'Ev0REPLAY01');
    const first = await post(body, sign(rig.app.signingSecret, body));
    const again = await post(body, {
      ...sign(rig.app.signingSecret, body),
      'x-slack-retry-num': '1',
      'x-slack-retry-reason': 'http_timeout',
    });
    expect([first.status, again.status]).toEqual([200, 200]);
    expect(messages().map((e) => e.kind === 'message' && e.content.text.blocks.length)).toEqual([
      1,
    ]);
  });

  it('answers 400 to malformed payloads and 404 to unknown workspaces', async () => {
    for (const body of [
      '{not json',
      '[]',
      '{"type":"event_callback","event_id":"Ev1"}',
      '{"no":"type"}',
    ]) {
      const res = await post(body, sign(rig.app.signingSecret, body));
      expect(res.status, body).toBe(400);
    }
    const body = eventBody(rig.channel, rig.alice.id, 'elsewhere');
    const unknown = await post(
      body,
      sign(rig.app.signingSecret, body),
      rig.eventsUrl.replace(/main$/, 'other'),
    );
    expect(unknown.status).toBe(404);
    expect((await fetch(rig.eventsUrl)).status).toBe(405);
  });

  it('ignores unknown event types and answers 200', async () => {
    const body = JSON.stringify({
      type: 'event_callback',
      event_id: 'Ev0UNKNOWN1',
      event: { type: 'emoji_changed', subtype: 'add', name: 'x', event_ts: '1.000001' },
    });
    const res = await post(body, sign(rig.app.signingSecret, body));
    expect(res.status).toBe(200);
    expect(rig.ctx.events).toHaveLength(0);
  });

  it('answers only after the event is recorded, and 500 when it cannot be', async () => {
    let open!: () => void;
    rig.ctx.gate = new Promise<void>((r) => (open = r));
    const body = eventBody(rig.channel, rig.alice.id, 'held', 'Ev0HELD0001');
    let answered = false;
    const pending = post(body, sign(rig.app.signingSecret, body)).then((r) => {
      answered = true;
      return r;
    });
    await waitFor('the event held at the recording step', () => rig.ctx.held === 1);
    // A later request's answer: had the held one been answered early, it would be in by now.
    expect((await fetch(rig.eventsUrl)).status).toBe(405);
    expect(answered).toBe(false);
    open();
    rig.ctx.gate = undefined;
    expect((await pending).status).toBe(200);

    rig.ctx.failNext = 1;
    const failing = eventBody(rig.channel, rig.alice.id, 'fails first', 'Ev0FAIL0001');
    expect((await post(failing, sign(rig.app.signingSecret, failing))).status).toBe(500);
    // Slack's retry of the same event is processed then.
    expect((await post(failing, sign(rig.app.signingSecret, failing))).status).toBe(200);
    expect(messages()).toHaveLength(2);
  });

  it('takes the simulator’s signed deliveries, and Slack retries after a failure', async () => {
    rig.ctx.failNext = 1;
    const { WebClient } = await import('@slack/web-api');
    const alice = new WebClient(rig.alice.token, { slackApiUrl: rig.sim.apiUrl });
    const { ts } = await alice.chat.postMessage({ channel: rig.channel, text: 'through Slack' });
    const event = await waitFor('the event after a retry', () =>
      rig.ctx.events.find((e) => e.kind === 'message' && e.messageId === ts),
    );
    expect(event.kind === 'message' && event.sender.userId).toBe(rig.alice.id.toLowerCase());
    // The simulator logs an attempt's status only once the bridge's answer has come back,
    // which is after the event was recorded: wait for that answer, not just the event.
    const attempts = await waitFor('the answer to Slack’s retry', () => {
      const log = rig.sim.deliveries();
      return log.some((d) => d.status === 200) && log;
    });
    expect(attempts[0]).toMatchObject({ attempt: 0, status: 500, failure: 'http_error' });
    expect(attempts.find((d) => d.status === 200)?.attempt).toBeGreaterThan(0);
  });
});
