import { afterEach, describe, expect, it } from 'vitest';
import { WebClient } from '@slack/web-api';
import { waitFor } from '../../contract/fake-context.js';
import { eventsUpToMarker, startRig, type Rig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const connected = (r: Rig) =>
  waitFor('connected', () => r.ctx.lastState('main')?.status === 'connected');

describe('Socket Mode intake', () => {
  it('acknowledges an envelope only once its event is recorded', async () => {
    rig = await startRig('socket');
    await connected(rig);
    let open!: () => void;
    rig.ctx.gate = new Promise<void>((r) => (open = r));
    const alice = new WebClient(rig.alice.token, { slackApiUrl: rig.sim.apiUrl });
    await alice.chat.postMessage({ channel: rig.channel, text: 'held' });
    await waitFor('the envelope', () => rig!.sim.envelopes().length > 0);
    await waitFor('the event held at the recording step', () => rig!.ctx.held === 1);
    // A later round trip to Slack: had the held envelope been acknowledged early, the ack
    // (sent before the event reached the recording step) would have arrived by now.
    await alice.auth.test();
    expect(rig.sim.envelopes()[0]!.acked).toBe(false);
    open();
    rig.ctx.gate = undefined;
    await waitFor('the ack', () => rig!.sim.envelopes()[0]!.acked);
    expect(rig.ctx.events.filter((e) => e.kind === 'message')).toHaveLength(1);
  });

  it('does not acknowledge an event it could not record: it reconnects and catches up', async () => {
    rig = await startRig('socket');
    await connected(rig);
    rig.ctx.failNext = 1;
    const alice = new WebClient(rig.alice.token, { slackApiUrl: rig.sim.apiUrl });
    const { ts } = await alice.chat.postMessage({ channel: rig.channel, text: 'retry me' });
    const event = await waitFor('the event, recorded after the failure', () =>
      rig!.ctx.events.find((e) => e.kind === 'message' && e.messageId === ts),
    );
    expect(event.kind).toBe('message');
    expect(rig.sim.envelopes()[0]!.acked).toBe(false);
    const seen = await eventsUpToMarker(rig);
    expect(seen.filter((e) => e.kind === 'message' && e.messageId === ts)).toHaveLength(1);
  });

  it('reconnects when Slack sends a disconnect frame, without losing events', async () => {
    rig = await startRig('socket');
    await connected(rig);
    const alice = new WebClient(rig.alice.token, { slackApiUrl: rig.sim.apiUrl });
    rig.sim.sendDisconnect('refresh_requested');
    const { ts } = await alice.chat.postMessage({
      channel: rig.channel,
      text: 'around the refresh',
    });
    await waitFor(
      'a new connection',
      () =>
        rig!.sim.openSocketConnections() === 1 &&
        rig!.sim.requestLog().filter((e) => e.method === 'apps.connections.open').length >= 2,
    );
    await waitFor('the message', () =>
      rig!.ctx.events.some((e) => e.kind === 'message' && e.messageId === ts),
    );
  });

  it('reports bad_credentials for a refused app-level token', async () => {
    rig = await startRig('socket');
    await connected(rig);
    rig.sim.revokeToken(rig.app.appToken);
    rig.sim.dropSockets();
    await waitFor(
      'bad_credentials',
      () => rig!.ctx.lastState('main')?.status === 'bad_credentials',
    );
    expect(rig.ctx.lastState('main')?.error).toMatch(/app_token/);
    expect(rig.ctx.lastState('main')?.error).not.toMatch(/xapp-/);
  });
});
