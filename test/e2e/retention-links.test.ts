/**
 * Account-link retention end to end (Synapse, the Teams simulator, a running bridge): a
 * Matrix user links her Microsoft account; with the retention clock an hour short of
 * `retention.account_links_days` the link stays, an hour past it the link and its tokens are
 * gone from storage and she gets a notice from the bridge bot in a direct-message room,
 * naming the workspace and how to link again.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BridgeApp } from '../../src/app/bridge-app.js';
import { definition as mattermost } from '../../connectors/mattermost/index.js';
import { definition as teams } from '../../connectors/teams/index.js';
import { trustingFetch } from '../simulators/teams/helpers.js';
import { E2E_WAIT_MS, waitFor } from '../harness/wait.js';
import { createTeamsWorld, teamsConnectorOf, type TeamsWorld } from './teams-fixture.js';

const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;
const LINK_DAYS = 30;

let world: TeamsWorld;
let bridge: BridgeApp;
let ahead = 0;
const passes: Array<{ at: number; pruned: Record<string, number> }> = [];

function retentionLog(line: string): void {
  if (!line.includes('retention pass finished')) return;
  const { at, pruned } = JSON.parse(line) as { at: string; pruned: Record<string, number> };
  passes.push({ at: Date.parse(at), pruned });
}

beforeAll(async () => {
  world = await createTeamsWorld();
  world.config.retention = { account_links_days: LINK_DAYS };
  bridge = new BridgeApp(
    world.config,
    [teams, mattermost],
    pino({ level: 'debug' }, { write: retentionLog }),
    { now: () => Date.now() + ahead, retentionIntervalMs: 250 },
  );
  await bridge.start();
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

async function passWithClockAhead(by: number): Promise<Record<string, number>> {
  ahead = by;
  const from = Date.now() + by;
  const pass = await waitFor(() => passes.find((p) => p.at >= from), {
    what: `a retention pass ${by / DAY} days ahead`,
    timeoutMs: E2E_WAIT_MS,
  });
  return pass.pruned;
}

const linkRows = async (): Promise<number> => {
  const [row] = (await bridge.stores
    .db('connector_kv')
    .where({ connector: 'teams', key: `puppet:contoso:${world.matrix.userId}` })
    .count({ n: '*' })) as Array<{ n: unknown }>;
  return Number(row?.n);
};

describe('account-link retention', () => {
  it('keeps a link used within account_links_days', async () => {
    const signIn = new URL(
      await teamsConnectorOf(bridge).beginAccountLink('contoso', world.matrix.userId),
    );
    signIn.searchParams.set('login_hint', world.mariaMs.upn);
    const redirect = await trustingFetch(world.sim)(signIn, { redirect: 'manual' });
    expect((await fetch(redirect.headers.get('location')!)).status).toBe(200);
    expect(await linkRows()).toBe(1);

    expect((await passWithClockAhead(LINK_DAYS * DAY - HOUR)).account_links).toBeUndefined();
    expect(await linkRows()).toBe(1);
  });

  it('removes it after account_links_days and tells its owner in a DM from the bot', async () => {
    expect((await passWithClockAhead(LINK_DAYS * DAY + HOUR)).account_links).toBe(1);
    expect(await linkRows()).toBe(0);

    const dm = await waitFor(
      async () =>
        (
          (await bridge.stores.db('admin_rooms').where({ user_id: world.matrix.userId })) as Array<{
            room_id: string;
          }>
        )[0]?.room_id,
      { what: 'the DM room the bot opened for the owner', timeoutMs: E2E_WAIT_MS },
    );
    await world.matrix.join(dm);
    const notice = await world.matrix.waitForEvent(
      dm,
      (e) => e.sender === bridge.gateway.botUserId && e.content.msgtype === 'm.notice',
    );
    expect(notice.content.body).toBe(
      `Your linked Microsoft Teams account (workspace contoso) was not used for ${LINK_DAYS} ` +
        'days, so the bridge removed it and its sign-in (retention.account_links_days). Your ' +
        'messages now reach Microsoft Teams through the bridge bot again. To post as yourself, ' +
        'link it again: !login teams contoso',
    );
  });
});
