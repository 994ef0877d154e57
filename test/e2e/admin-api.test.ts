import { readFileSync } from 'node:fs';
import type { Post } from '@mattermost/types/posts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OpenApiValidator } from '../unit/admin/openapi-validator.js';
import { harness } from '../harness/index.js';
import { createAdminWorld, eventually, type AdminWorld } from './admin-fixture.js';

/** The release /health, the OpenAPI document and every log line name. */
const PACKAGE_VERSION = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  }
).version;

let w: AdminWorld;
const doc = new OpenApiValidator();

/** Calls the API and checks the answer against the OpenAPI document. */
async function call(
  method: string,
  path: string,
  docPath: string,
  opts: Parameters<AdminWorld['api']>[2] = {},
) {
  const res = await w.api(method, path, opts);
  doc.check(docPath, method, res.status, res.body);
  return res;
}

async function lastAudit(filter: Record<string, string> = {}) {
  const q = new URLSearchParams({ limit: '1', ...filter });
  const res = await w.api('GET', `/audit?${q}`);
  return (res.body.entries as Array<Record<string, unknown>>)[0];
}

beforeAll(async () => {
  w = await createAdminWorld();
});

afterAll(async () => {
  await w?.close();
});

interface Traffic {
  traffic: { in: number[]; out: number[]; last_at: number | null };
}

describe('provisioning API', () => {
  it('serves its OpenAPI document without authentication', async () => {
    const res = await w.api('GET', '/openapi.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body).toEqual(doc.doc);
    expect(res.body.info).toMatchObject({ version: PACKAGE_VERSION });
  });

  it('refuses requests without or with a wrong token with 401, and audits them', async () => {
    const none = await call('GET', '/portals', '/portals', { token: null });
    expect(none.status).toBe(401);
    expect(none.body.errcode).toBe('M_MISSING_TOKEN');
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await call('GET', '/portals', '/portals', { token: 'not-the-secret' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.errcode).toBe('M_UNKNOWN_TOKEN');
    expect(await lastAudit({ outcome: 'unauthenticated' })).toMatchObject({
      actor: 'anonymous',
      path: 'api',
      action: 'list_portals',
      client: '127.0.0.1',
    });
  });

  it('knows who is asking', async () => {
    const secret = await call('GET', '/whoami', '/whoami');
    expect(secret.body).toEqual({ user_id: null, level: 'admin', path: 'api' });
    const plain = await call('GET', '/whoami', '/whoami', { userId: w.plain.userId });
    expect(plain.body).toEqual({ user_id: w.plain.userId, level: 'user', path: 'api' });
  });

  it('shows connectors with their states and the channels the bot can reach', async () => {
    const connectors = await call('GET', '/connectors', '/connectors', { userId: w.plain.userId });
    expect(connectors.body.connectors).toEqual([
      {
        id: 'mattermost',
        display_name: 'Mattermost',
        lists_channels: true,
        workspaces: [
          {
            workspace: 'main',
            status: 'connected',
            since: expect.any(Number),
            traffic: { in: expect.any(Array), out: expect.any(Array), last_at: null },
          },
        ],
      },
    ]);
    const path = '/connectors/mattermost/workspaces/main/channels';
    const channels = await call(
      'GET',
      path,
      '/connectors/{connector}/workspaces/{workspace}/channels',
      {
        userId: w.linker.userId,
      },
    );
    expect(channels.status).toBe(200);
    expect(channels.body.channels).toEqual([
      {
        workspace: 'main',
        channel: w.channels.random,
        name: 'Agency / Random',
        visibility: 'public',
      },
      {
        workspace: 'main',
        channel: w.channels.townSquare,
        name: 'Agency / Town Square',
        visibility: 'public',
      },
    ]);
    const denied = await call(
      'GET',
      path,
      '/connectors/{connector}/workspaces/{workspace}/channels',
      {
        userId: w.plain.userId,
      },
    );
    expect(denied.status).toBe(403);
  });

  it('links a room for a linker with power in it; messages then cross both ways', async () => {
    const room = await w.newRoom();
    const res = await call('POST', '/links', '/links', {
      userId: w.linker.userId,
      body: { room, connector: 'mattermost', workspace: 'main', channel: w.channels.townSquare },
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      room_id: room,
      connector: 'mattermost',
      workspace: 'main',
      channel: w.channels.townSquare,
      channel_name: 'Town Square',
      existed: false,
    });
    const notice = await w.linker.waitForEvent(
      room,
      (e) => e.sender === w.botUserId && String(e.content.body).includes('now bridged'),
    );
    expect(String(notice.content.body)).toContain(w.linker.userId);

    await w.alice.createPost({
      channel_id: w.channels.townSquare,
      message: 'hello via API link',
    } as Post);
    await w.linker.waitForEvent(
      room,
      (e) => e.sender === w.ghostOf(w.aliceId) && e.content.body === 'hello via API link',
    );
    await w.linker.sendMessage(room, 'and back');
    await eventually(
      async () =>
        w.sim.posts(w.channels.townSquare).some((p) => p.message.includes('and back')) || undefined,
      'the Matrix message on Mattermost',
    );

    const portals = await call('GET', '/portals', '/portals', { userId: w.plain.userId });
    expect(portals.body.portals).toContainEqual({
      room_id: room,
      name: null,
      // Names, for people: the Matrix room's own and the channel's on its platform.
      room_name: expect.stringMatching(/^admin-e2e-/),
      links: [
        {
          connector: 'mattermost',
          workspace: 'main',
          channel: w.channels.townSquare,
          channel_name: 'Town Square',
          source: 'api',
          created_by: `${w.linker.userId} (via provisioning secret)`,
          created_at: expect.any(Number),
          retire_until: null,
        },
      ],
      encrypted_at: null,
    });
    // One message crossed each way: the connection's traffic counts them in this minute.
    const connectors = await call('GET', '/connectors', '/connectors', { userId: w.plain.userId });
    const [main] = (connectors.body.connectors as Array<{ workspaces: Traffic[] }>)[0]!.workspaces;
    expect(main!.traffic.in).toHaveLength(60);
    expect(main!.traffic.in.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(main!.traffic.out.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1);
    expect(main!.traffic.last_at).toBeGreaterThan(Date.now() - 10 * 60_000);
    const again = await call('POST', '/links', '/links', {
      userId: w.linker.userId,
      body: { room, connector: 'mattermost', workspace: 'main', channel: w.channels.townSquare },
    });
    expect(again.status).toBe(200);
    expect(again.body.existed).toBe(true);

    const unlinked = await call(
      'DELETE',
      `/links/mattermost/main/${w.channels.townSquare}`,
      '/links/{connector}/{workspace}/{channel}',
      { userId: w.linker.userId },
    );
    expect(unlinked.body).toMatchObject({ room_id: room, portal_removed: true });
    expect(w.bridge.directory.portalByRoom(room)).toBeUndefined();
    expect(await lastAudit({ outcome: 'ok' })).toMatchObject({ action: 'unlink', path: 'api' });
  });

  it('refuses a plain user with 403 and audits it', async () => {
    const room = await w.newRoom(w.plain);
    const res = await call('POST', '/links', '/links', {
      userId: w.plain.userId,
      body: { room, connector: 'mattermost', workspace: 'main', channel: w.channels.random },
    });
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ errcode: 'M_FORBIDDEN', code: 'PERMISSION_DENIED' });
    expect(await lastAudit()).toMatchObject({
      actor: `${w.plain.userId} (via provisioning secret)`,
      action: 'link',
      outcome: 'denied',
      channel: w.channels.random,
    });
    expect(w.bridge.directory.portalByRoom(room)).toBeUndefined();
    // A user whose entry is `none` may not even look.
    const outsider = await call('GET', '/portals', '/portals', { userId: w.outsider.userId });
    expect(outsider.status).toBe(403);
    expect(String(outsider.body.error)).toContain('has "none"');
  });

  it('refuses a linker without power in the room; the bot does not stay', async () => {
    const room = await w.newRoom(w.plain);
    await w.plain.invite(room, w.linker.userId);
    await w.linker.join(room);
    const res = await call('POST', '/links', '/links', {
      userId: w.linker.userId,
      body: { room, connector: 'mattermost', workspace: 'main', channel: w.channels.random },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('ROOM_POWER_TOO_LOW');
    expect(String(res.body.error)).toMatch(/power level 0 .* needs 50/);
    const members = await w.plain.joinedMembers(room);
    expect(Object.keys(members)).not.toContain(w.botUserId);
    expect(w.bridge.directory.portalByRoom(room)).toBeUndefined();
  });

  it('answers 400 naming the field for malformed requests', async () => {
    const room = await w.newRoom();
    const empty = await call('POST', '/links', '/links', {
      body: { room, connector: 'mattermost', workspace: 'main', channel: '' },
    });
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ errcode: 'M_INVALID_PARAM', field: 'channel' });
    expect(String(empty.body.error)).toContain('channel: must not be empty');
    const missing = await call('POST', '/links', '/links', {
      body: { connector: 'mattermost', workspace: 'main', channel: 'x' },
    });
    expect(missing.body.field).toBe('room');
    const extra = await call('POST', '/links', '/links', {
      body: { room, connector: 'mattermost', workspace: 'main', channel: 'x', chanel: 'y' },
    });
    expect(extra.body.field).toBe('chanel');
    const badRoom = await call('POST', '/links', '/links', {
      body: { room: 'general', connector: 'mattermost', workspace: 'main', channel: 'x' },
    });
    expect(badRoom.body.field).toBe('room');
    const notJson = await call('POST', '/links', '/links', { rawBody: '{"room":' });
    expect(notJson.status).toBe(400);
    expect(notJson.body.errcode).toBe('M_NOT_JSON');
    const limit = await call('GET', '/failures?limit=0', '/failures');
    expect(limit.body.field).toBe('limit');
  });

  it('fails clearly, leaving nothing behind, for an unknown or unreachable channel', async () => {
    const room = await w.newRoom();
    for (const channel of ['nosuchchannel00000000000000', w.channels.hidden]) {
      const res = await call('POST', '/links', '/links', {
        body: { room, connector: 'mattermost', workspace: 'main', channel },
      });
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ code: 'CHANNEL_UNREACHABLE', field: 'channel' });
      expect(String(res.body.error)).toContain(channel);
    }
    const connector = await call('POST', '/links', '/links', {
      body: { room, connector: 'slackish', workspace: 'main', channel: 'x' },
    });
    expect(connector.body.code).toBe('CONNECTOR_UNKNOWN');
    expect(w.bridge.directory.portalByRoom(room)).toBeUndefined();
    expect(await lastAudit()).toMatchObject({ action: 'link', outcome: 'failed' });
  });

  it('fails clearly for a room the bot cannot join or that does not exist', async () => {
    const closed = await w.newRoom(w.linker, false);
    const res = await call('POST', '/links', '/links', {
      userId: w.linker.userId,
      body: {
        room: closed,
        connector: 'mattermost',
        workspace: 'main',
        channel: w.channels.random,
      },
    });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('ROOM_UNREACHABLE');
    expect(String(res.body.error)).toContain(`invite it to the room first`);
    const alias = await call('POST', '/links', '/links', {
      body: {
        room: `#nope-${Date.now()}:${harness().serverName}`,
        connector: 'mattermost',
        workspace: 'main',
        channel: w.channels.random,
      },
    });
    expect(alias.status).toBe(404);
    expect(alias.body.code).toBe('ROOM_NOT_FOUND');
    expect(w.bridge.directory.portalByRoom(closed)).toBeUndefined();
  });

  it('refuses to link a channel that is linked to another room', async () => {
    const first = await w.newRoom();
    const second = await w.newRoom();
    const body = { connector: 'mattermost', workspace: 'main', channel: w.channels.random };
    expect((await w.api('POST', '/links', { body: { room: first, ...body } })).status).toBe(201);
    const res = await call('POST', '/links', '/links', { body: { room: second, ...body } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('CHANNEL_ALREADY_LINKED');
    await w.api('DELETE', `/links/mattermost/main/${w.channels.random}`);
  });

  it('lists recent failures and the audit log, the latter for admins only', async () => {
    const failures = await call('GET', '/failures', '/failures');
    expect(Array.isArray(failures.body.failures)).toBe(true);
    const asLinker = await call('GET', '/audit', '/audit', { userId: w.linker.userId });
    expect(asLinker.status).toBe(403);
    const asAdmin = await call('GET', '/audit?limit=5', '/audit', { userId: w.admin.userId });
    expect(asAdmin.status).toBe(200);
    expect((asAdmin.body.entries as unknown[]).length).toBe(5);
    expect((asAdmin.body.entries as Array<{ action: string }>)[0]).toMatchObject({
      action: 'audit_list',
      outcome: 'denied',
    });
  });

  it('exchanges a Matrix OpenID token for a session that carries the user’s level', async () => {
    const { access_token: token } = await w.linker.request<{ access_token: string }>(
      'POST',
      `/_matrix/client/v3/user/${encodeURIComponent(w.linker.userId)}/openid/request_token`,
      {},
    );
    const res = await call('POST', '/session', '/session', {
      token: null,
      body: { openid_token: token, matrix_server_name: harness().serverName },
    });
    const probe = await fetch(
      `${harness().synapseUrl}/_matrix/federation/v1/openid/userinfo?access_token=x`,
    );
    if (probe.status === 404) {
      // A homeserver whose listeners lack the "openid" resource cannot vouch for anyone.
      expect(res.status).toBe(502);
      expect(String(res.body.error)).toContain('does not serve the OpenID userinfo API');
      return;
    }
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ user_id: w.linker.userId, level: 'linker' });
    const session = String(res.body.token);
    const me = await call('GET', '/whoami', '/whoami', { token: session });
    expect(me.body).toEqual({ user_id: w.linker.userId, level: 'linker', path: 'api' });
    const audit = await call('GET', '/audit', '/audit', { token: session });
    expect(audit.status).toBe(403);
    const bogus = await call('POST', '/session', '/session', {
      token: null,
      body: { openid_token: 'not-a-token' },
    });
    expect(bogus.status).toBe(401);
    expect(await lastAudit({ outcome: 'unauthenticated' })).toMatchObject({ action: 'sign_in' });
  });

  it('validates the sign-in body', async () => {
    const res = await call('POST', '/session', '/session', { token: null, body: { token: 'x' } });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('openid_token');
  });

  it('answers unknown routes and methods with Matrix-style errors', async () => {
    expect((await w.api('GET', '/nothing')).body.errcode).toBe('M_NOT_FOUND');
    const method = await w.api('PUT', '/portals');
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('GET');
  });
});

describe('health and metrics', () => {
  it('serves /health, /ready with its checks, and Prometheus /metrics', async () => {
    const health = await fetch(`${w.bridgeUrl}/health`);
    expect(await health.json()).toEqual({ status: 'ok', version: PACKAGE_VERSION });
    const ready = await fetch(`${w.bridgeUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({
      ready: true,
      database: { ok: true },
      homeserver: { ok: true },
      connectors: [{ connector: 'mattermost', workspace: 'main', status: 'connected' }],
    });
    const metrics = await (await fetch(`${w.bridgeUrl}/metrics`)).text();
    expect(metrics).toMatch(/bridge_events_total\{side="mattermost",direction="in"\} [1-9]/);
    expect(metrics).toMatch(/bridge_events_total\{side="matrix",direction="in"\} [1-9]/);
    expect(metrics).toMatch(/bridge_events_total\{side="mattermost",direction="out"\} [1-9]/);
    expect(metrics).toMatch(/bridge_delivery_duration_seconds_count\{side="matrix"\} [1-9]/);
    expect(metrics).toContain(
      'bridge_connection_state{connector="mattermost",workspace="main",status="connected"} 1',
    );
    expect(metrics).toContain('# TYPE bridge_inbox_pending gauge');
    expect(metrics).toMatch(/^bridge_build_info\{version="\d+\.\d+\.\d+[^"]*",node="[\d.]+"\} 1$/m);
    expect(metrics).toMatch(/^process_cpu_seconds_total \d/m);
    expect(metrics).not.toMatch(/^(bridge_process_|# TYPE \S+_total gauge)/m);
    // Alerts match on these whether or not anything failed yet.
    expect(metrics).toMatch(
      /^bridge_delivery_failures_total\{side="mattermost",retryable="false"\} \d/m,
    );
    expect(metrics).toMatch(/^bridge_dead_letters_total\{source="remote:mattermost"\} \d/m);
    expect(metrics).toMatch(/^bridge_inbox_pending\{source="remote:mattermost"\} \d/m);
  });
});
