import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { api, ClientError, clientFor, createWorld, type World } from './helpers.js';
import { loadSpec } from './spec.js';

const spec = loadSpec();
let w: World;

beforeEach(async () => {
  w = await createWorld();
});
afterEach(async () => {
  await w.sim.close();
});

async function rejection(p: Promise<unknown>): Promise<InstanceType<typeof ClientError>> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ClientError);
    return e as InstanceType<typeof ClientError>;
  }
  throw new Error('expected the call to fail');
}

describe('authentication and errors', () => {
  it('answers 401 with the Mattermost error JSON for a bad or missing token', async () => {
    const bad = clientFor(w.sim, 'not-a-token');
    const err = await rejection(bad.getMe());
    expect(err.status_code).toBe(401);
    expect(err.server_error_id).toBe('api.context.session_expired.app_error');
    expect(err.message).toBe('Invalid or expired session, please login again.');

    const res = await api(w.sim, null, '/users/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toBe('application/json');
    const body = (await res.json()) as Record<string, unknown>;
    spec.check(spec.response('/api/v4/users/{user_id}', 'get', '401'), body);
    expect(body).toEqual({
      id: 'api.context.session_expired.app_error',
      message: 'Invalid or expired session, please login again.',
      detailed_error: '',
      request_id: expect.any(String),
      status_code: 401,
    });
  });

  it('answers unknown routes with 404 JSON and bad ids with 400', async () => {
    const res = await api(w.sim, w.alice.token, '/nope');
    expect(res.status).toBe(404);
    spec.check(spec.schema('AppError'), await res.json());
    const err = await rejection(w.alice.client.getUser('short'));
    expect(err.status_code).toBe(400);
    expect(err.message).toContain('user_id');
    expect((await rejection(w.alice.client.getUser('a'.repeat(26)))).status_code).toBe(404);
  });

  it('pings anonymously and exposes the override settings only to sessions', async () => {
    expect(await clientFor(w.sim, '').ping(false)).toMatchObject({ status: 'OK' });
    const anon = await (await api(w.sim, null, '/config/client?format=old')).json();
    expect(anon).not.toHaveProperty('EnablePostUsernameOverride');
    const cfg = await w.alice.client.getClientConfig();
    expect(cfg).toMatchObject({
      EnablePostUsernameOverride: 'true',
      EnablePostIconOverride: 'true',
    });
    w.sim.setSettings({ enablePostUsernameOverride: false });
    expect(await w.alice.client.getClientConfig()).toMatchObject({
      EnablePostUsernameOverride: 'false',
    });
  });
});

describe('users, teams and channels', () => {
  it('serves profiles, sanitizing other users', async () => {
    const me = await w.alice.client.getMe();
    spec.check(spec.schema('User'), me);
    expect(me).toMatchObject({
      id: w.alice.id,
      username: 'alice',
      first_name: 'Alice',
      roles: 'system_user',
    });
    expect(me.notify_props).toBeDefined();
    expect(me).not.toHaveProperty('password');

    const bot = await w.alice.client.getUser(w.bot.id);
    spec.check(spec.schema('User'), bot);
    expect(bot).toMatchObject({ username: 'bridgebot', is_bot: true });
    expect(bot).not.toHaveProperty('notify_props');

    expect((await w.alice.client.getUserByUsername('bob')).id).toBe(w.bob.id);
    expect((await rejection(w.alice.client.getUserByUsername('nobody'))).status_code).toBe(404);
    const byIds = await w.alice.client.getProfilesByIds([w.bob.id, w.bot.id, 'x'.repeat(26)]);
    expect(byIds.map((u) => u.username).sort()).toEqual(['bob', 'bridgebot']);
    const byNames = await w.alice.client.getProfilesByUsernames(['bob', 'ghost']);
    expect(byNames.map((u) => u.id)).toEqual([w.bob.id]);
  });

  it('serves a PNG avatar per user', async () => {
    const res = await fetch(w.alice.client.getProfilePictureUrl(w.bob.id, 0), {
      headers: { Authorization: `Bearer ${w.alice.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    const png = Buffer.from(await res.arrayBuffer());
    expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    const custom = w.sim.createUser({ username: 'pic', avatarPng: png });
    const again = await api(w.sim, w.alice.token, `/users/${custom.id}/image`);
    expect(Buffer.from(await again.arrayBuffer()).equals(png)).toBe(true);
  });

  it('lists teams and channels with permissions', async () => {
    const teams = await w.alice.client.getMyTeams();
    expect(teams.map((t) => t.id)).toEqual([w.teamId]);
    expect((await rejection(w.alice.client.getTeamsForUser(w.bob.id))).status_code).toBe(403);
    expect((await w.alice.client.getTeam(w.teamId)).name).toBe('agency');

    const pub = await w.alice.client.getChannels(w.teamId);
    expect(pub.map((c) => c.name)).toEqual(['off-topic', 'town-square']);
    const mine = await w.alice.client.getMyChannels(w.teamId);
    expect(mine.map((c) => c.id)).toEqual([w.channelId]);
    const channel = await w.alice.client.getChannel(w.channelId);
    spec.check(spec.response('/api/v4/channels/{channel_id}', 'get', '200'), channel);
    expect(channel).toMatchObject({
      name: 'town-square',
      display_name: 'Town Square',
      type: 'O',
      team_id: w.teamId,
    });

    const priv = w.sim.createChannel(w.teamId, 'secret', { type: 'P' });
    expect((await rejection(w.alice.client.getChannel(priv.id))).status_code).toBe(403);
    const member = await w.alice.client.getChannelMember(w.channelId, w.bob.id);
    spec.check(spec.schema('ChannelMember'), member);
    expect(
      (await rejection(w.alice.client.getChannelMember(w.channelId, w.carol.id))).status_code,
    ).toBe(404);
  });

  it('lets a team member join a public channel (201) with a join system post', async () => {
    const m = await w.carol.client.addToChannel(w.carol.id, w.channelId);
    expect(m).toMatchObject({ channel_id: w.channelId, user_id: w.carol.id });
    const last = w.sim.posts(w.channelId).at(-1);
    expect(last).toMatchObject({
      type: 'system_join_channel',
      user_id: w.carol.id,
      message: '@carol joined the channel.',
    });
    const priv = w.sim.createChannel(w.teamId, 'secret', { type: 'P' });
    expect((await rejection(w.carol.client.addToChannel(w.carol.id, priv.id))).status_code).toBe(
      403,
    );
    const log = w.sim
      .requestLog()
      .filter((e) => e.path === '/api/v4/channels/{channel_id}/members');
    expect(log.map((e) => `${e.method} ${e.status}`)).toEqual(['POST 201', 'POST 403']);
  });
});
