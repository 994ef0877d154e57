/* eslint-disable @typescript-eslint/no-explicit-any -- these tests walk untyped Graph and Bot Framework JSON */
import type { GraphError } from '@microsoft/microsoft-graph-client';
import { ResponseType } from '@microsoft/microsoft-graph-client';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clientCredentials,
  graphClient,
  simWorld,
  trustingFetch,
  type SimWorld,
} from './helpers.js';
import { loadGraphSpec } from './spec.js';

const spec = loadGraphSpec();
let w: SimWorld | undefined;

afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function appGraph(world: SimWorld, maxRetries = 3) {
  const t = await clientCredentials(
    world.sim,
    world.tenant,
    world.app.appId,
    world.app.password,
    'https://graph.microsoft.com/.default',
  );
  return graphClient(world.sim, String(t.body.access_token), maxRetries);
}

const channelPath = (world: SimWorld) => `/teams/${world.teamId}/channels/${world.channelId}`;

async function rejection(p: Promise<unknown>): Promise<GraphError> {
  try {
    await p;
  } catch (err) {
    return err as GraphError;
  }
  throw new Error('expected the request to fail');
}

describe('Graph directory', () => {
  it('serves users, photos, teams, channels and chats to the app', async () => {
    w = await simWorld();
    w.sim.control.installBot(w.app.appId, w.teamId);
    w.sim.control.setPhoto(w.alice.id, Buffer.from('png-bytes'), 'image/png');
    const g = await appGraph(w);
    const user = (await g.api(`/users/${w.alice.id}`).get()) as Record<string, unknown>;
    spec.check('user', user);
    expect(user.displayName).toBe('Alice Andersson');
    const photo = (await g.api(`/users/${w.alice.id}/photo`).get()) as Record<string, unknown>;
    spec.check('profilePhoto', photo);
    expect(photo['@odata.mediaEtag']).toMatch(/^".+"$/);
    const bytes = (await g
      .api(`/users/${w.alice.id}/photo/$value`)
      .responseType(ResponseType.ARRAYBUFFER)
      .get()) as ArrayBuffer;
    expect(Buffer.from(bytes).toString()).toBe('png-bytes');
    const none = await rejection(g.api(`/users/${w.bob.id}/photo/$value`).get());
    expect(none.statusCode).toBe(404);

    const teams = (await g.api('/teams').get()) as { value: Array<Record<string, unknown>> };
    expect(teams.value.map((t) => t.displayName)).toEqual(['Agency']);
    for (const t of teams.value) spec.check('team', t);
    const channels = (await g.api(`/teams/${w.teamId}/channels`).get()) as {
      value: Array<Record<string, unknown>>;
    };
    for (const c of channels.value) spec.check('channel', c);
    expect(channels.value.map((c) => c.displayName).sort()).toEqual(['General', 'Projects']);
    const chatId = w.sim.control.createChat(w.tenant, [w.alice.id, w.bob.id], 'Planning');
    w.sim.control.installBot(w.app.appId, chatId);
    const chat = (await g.api(`/chats/${chatId}`).get()) as Record<string, unknown>;
    spec.check('chat', chat);
    expect(chat).toMatchObject({ topic: 'Planning', chatType: 'group' });
  });
});

describe('Graph messages', () => {
  it('lets users post, reply, edit, react and delete, and refuses app-only posts and reactions with the real envelope', async () => {
    w = await simWorld({ graphWrites: [{ limit: 50, windowMs: 1000 }] });
    w.sim.control.installBot(w.app.appId, w.teamId);
    const alice = graphClient(w.sim, w.sim.control.userToken(w.alice.id, w.app.appId));
    const bob = graphClient(w.sim, w.sim.control.userToken(w.bob.id, w.app.appId));
    const root = (await alice.api(`${channelPath(w)}/messages`).post({
      body: { contentType: 'html', content: 'Hi <at id="0">Bob Berg</at>' },
      mentions: [
        {
          id: 0,
          mentionText: 'Bob Berg',
          mentioned: {
            user: { id: w.bob.id, displayName: 'Bob Berg', userIdentityType: 'aadUser' },
          },
        },
      ],
    })) as Record<string, any>;
    spec.check('chatMessage', root);
    expect(root.from.user.id).toBe(w.alice.id);
    const activity = await w.bot.next((a) => a.id === root.id);
    expect(activity.body.text).toBe('Hi <at>Bob Berg</at>');

    const reply = (await bob
      .api(`${channelPath(w)}/messages/${root.id}/replies`)
      .post({ body: { content: 'answer' } })) as Record<string, any>;
    expect(reply.replyToId).toBe(root.id);
    await bob
      .api(`${channelPath(w)}/messages/${root.id}/replies/${reply.id}`)
      .patch({ body: { contentType: 'html', content: 'better answer' } });
    const notMine = await rejection(
      alice
        .api(`${channelPath(w)}/messages/${root.id}/replies/${reply.id}`)
        .patch({ body: { content: 'hijack' } }),
    );
    expect(notMine.statusCode).toBe(403);
    await bob.api(`${channelPath(w)}/messages/${root.id}/setReaction`).post({ reactionType: '👍' });
    const app = await appGraph(w);
    const read = (await app.api(`${channelPath(w)}/messages/${root.id}`).get()) as Record<
      string,
      any
    >;
    expect(read.reactions).toMatchObject([
      { reactionType: '👍', user: { user: { id: w.bob.id } } },
    ]);
    await bob
      .api(`${channelPath(w)}/messages/${root.id}/unsetReaction`)
      .post({ reactionType: '👍' });
    await bob.api(`${channelPath(w)}/messages/${root.id}/replies/${reply.id}/softDelete`).post({});
    const replies = (await app.api(`${channelPath(w)}/messages/${root.id}/replies`).get()) as {
      value: Array<Record<string, any>>;
    };
    expect(replies.value[0]).toMatchObject({
      id: reply.id,
      deletedDateTime: expect.any(String),
      body: { content: '' },
    });

    const appPost = await rejection(
      app.api(`${channelPath(w)}/messages`).post({ body: { content: 'as the app' } }),
    );
    expect(appPost.statusCode).toBe(401);
    expect(appPost.code).toBe('Unauthorized');
    expect(appPost.message).toMatch(/only for import purposes/);
    const appReact = await rejection(
      app.api(`${channelPath(w)}/messages/${root.id}/setReaction`).post({ reactionType: 'like' }),
    );
    expect(appReact.statusCode).toBe(403);

    const tok = await clientCredentials(
      w.sim,
      w.tenant,
      w.app.appId,
      w.app.password,
      'https://graph.microsoft.com/.default',
    );
    const raw = await trustingFetch(w.sim)(`${w.sim.graphUrl}${channelPath(w)}/messages`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${String(tok.body.access_token)}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ body: { content: 'x' } }),
    });
    const envelope = (await raw.json()) as { error: Record<string, any> };
    expect(Object.keys(envelope.error).sort()).toEqual(['code', 'innerError', 'message']);
    expect(Object.keys(envelope.error.innerError).sort()).toEqual([
      'client-request-id',
      'date',
      'request-id',
    ]);
  });

  it('allows app-only import only into a channel in migration mode with Teamwork.Migrate.All', async () => {
    w = await simWorld();
    const migrating = w.sim.control.createChannel(w.teamId, 'Import', { migrationMode: true });
    w.sim.control.setApplicationPermission(w.app.appId, 'Teamwork.Migrate.All', true);
    const g = await appGraph(w);
    const imported = (await g.api(`/teams/${w.teamId}/channels/${migrating}/messages`).post({
      createdDateTime: '2020-01-01T10:00:00.000Z',
      from: {
        user: { id: w.alice.id, displayName: 'Alice Andersson', userIdentityType: 'aadUser' },
      },
      body: { contentType: 'html', content: 'old' },
    })) as Record<string, any>;
    expect(imported.createdDateTime).toBe('2020-01-01T10:00:00.000Z');
    expect(imported.from.user.id).toBe(w.alice.id);
  });

  it('answers delta queries with a lastModifiedDateTime filter, pages and a delta link, and chat lists by modification', async () => {
    w = await simWorld();
    w.sim.control.installBot(w.app.appId, w.teamId);
    const old = w.sim.control.post(w.alice.id, w.channelId, 'old');
    await new Promise((r) => setTimeout(r, 5));
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 5));
    const a = w.sim.control.post(w.alice.id, w.channelId, 'a');
    const b = w.sim.control.post(w.bob.id, w.channelId, 'b');
    w.sim.control.post(w.bob.id, w.channelId, 'reply to old', { replyTo: old });
    const g = await appGraph(w);
    const first = (await g
      .api(`${channelPath(w)}/messages/delta`)
      .filter(`lastModifiedDateTime gt ${since}`)
      .top(2)
      .get()) as Record<string, any>;
    expect(first.value.map((m: { id: string }) => m.id)).toEqual([a, b]);
    expect(first['@odata.nextLink']).toContain('$skiptoken=');
    const second = (await g.api(first['@odata.nextLink']).get()) as Record<string, any>;
    // A reply changes its root's lastModifiedDateTime, so the old root is reported again.
    expect(second.value.map((m: { id: string }) => m.id)).toEqual([old]);
    const deltaLink = second['@odata.deltaLink'] as string;
    expect(deltaLink).toContain('$deltatoken=');
    expect(((await g.api(deltaLink).get()) as { value: unknown[] }).value).toEqual([]);
    w.sim.control.edit(a, 'a edited');
    expect(
      ((await g.api(deltaLink).get()) as { value: Array<{ id: string }> }).value.map((m) => m.id),
    ).toEqual([a]);

    const chatId = w.sim.control.createChat(w.tenant, [w.alice.id, w.bob.id], 'Planning');
    w.sim.control.installBot(w.app.appId, chatId);
    const c1 = w.sim.control.post(w.alice.id, chatId, 'c1');
    const c2 = w.sim.control.post(w.bob.id, chatId, 'c2');
    w.sim.control.edit(c1, 'c1 edited');
    const list = (await g
      .api(`/chats/${chatId}/messages`)
      .filter(`lastModifiedDateTime gt ${since}`)
      .orderby('lastModifiedDateTime desc')
      .get()) as { value: Array<{ id: string }> };
    expect(list.value.map((m) => m.id)).toEqual([c1, c2]);
    const badOrder = await rejection(
      g.api(`/chats/${chatId}/messages`).filter(`lastModifiedDateTime gt ${since}`).get(),
    );
    expect(badOrder.statusCode).toBe(400);
  });

  it('answers 429 with Retry-After, which the client honours', async () => {
    w = await simWorld({ graphWrites: [{ limit: 1, windowMs: 1000 }] });
    w.sim.control.installBot(w.app.appId, w.teamId);
    const token = w.sim.control.userToken(w.alice.id, w.app.appId);
    const patient = graphClient(w.sim, token);
    const t0 = Date.now();
    await patient.api(`${channelPath(w)}/messages`).post({ body: { content: 'one' } });
    await patient.api(`${channelPath(w)}/messages`).post({ body: { content: 'two' } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
    // One write a minute from now on: the next one is refused however long the wait was.
    w.sim.setGraphRate({ writes: [{ limit: 1, windowMs: 60_000 }] });
    const impatient = graphClient(w.sim, token, 0);
    const limited = await rejection(
      impatient.api(`${channelPath(w)}/messages`).post({ body: { content: 'three' } }),
    );
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('Graph files', () => {
  it('uploads to the channel folder, attaches by reference, and downloads through sharing URLs and hosted contents', async () => {
    w = await simWorld({ graphWrites: [{ limit: 50, windowMs: 1000 }] });
    w.sim.control.installBot(w.app.appId, w.teamId);
    const alice = graphClient(w.sim, w.sim.control.userToken(w.alice.id, w.app.appId));
    const folder = (await alice.api(`${channelPath(w)}/filesFolder`).get()) as Record<string, any>;
    spec.check('driveItem', folder);
    const data = Buffer.from('%PDF-1.4 report');
    const item = (await alice
      .api(`/drives/${folder.parentReference.driveId}/items/${folder.id}:/report.pdf:/content`)
      .header('content-type', 'application/pdf')
      .put(data)) as Record<string, any>;
    spec.check('driveItem', item);
    const guidOf = /\{([^}]+)\}/.exec(item.eTag)![1]!;
    const png = Buffer.from('89504e47', 'hex');
    const msg = (await alice.api(`${channelPath(w)}/messages`).post({
      body: {
        contentType: 'html',
        content: `here <attachment id="${guidOf}"></attachment><img src="../hostedContents/1/$value">`,
      },
      attachments: [
        { id: guidOf, contentType: 'reference', contentUrl: item.webUrl, name: 'report.pdf' },
      ],
      hostedContents: [
        {
          '@microsoft.graph.temporaryId': '1',
          contentBytes: png.toString('base64'),
          contentType: 'image/png',
        },
      ],
    })) as Record<string, any>;
    spec.check('chatMessage', msg);
    expect(msg.attachments[0]).toMatchObject({
      contentType: 'reference',
      name: 'report.pdf',
      contentUrl: item.webUrl,
    });

    const app = await appGraph(w);
    const shareId = `u!${Buffer.from(item.webUrl).toString('base64url')}`;
    const meta = (await app.api(`/shares/${shareId}/driveItem`).get()) as Record<string, any>;
    expect(meta).toMatchObject({ name: 'report.pdf', size: data.length });
    const content = (await app
      .api(`/shares/${shareId}/driveItem/content`)
      .responseType(ResponseType.ARRAYBUFFER)
      .get()) as ArrayBuffer;
    expect(Buffer.from(content).equals(data)).toBe(true);

    const src = /<img src="([^"]+)"/.exec(msg.body.content)![1]!;
    expect(src).toMatch(/\/hostedContents\/[0-9a-f]+\/\$value$/);
    const hosted = (await app
      .api(src.replace(w.sim.graphUrl, ''))
      .responseType(ResponseType.ARRAYBUFFER)
      .get()) as ArrayBuffer;
    expect(Buffer.from(hosted).equals(png)).toBe(true);

    const bogus = await rejection(
      alice.api(`${channelPath(w)}/messages`).post({
        body: { contentType: 'html', content: '<attachment id="abc"></attachment>' },
        attachments: [
          {
            id: 'abc',
            contentType: 'reference',
            contentUrl: 'https://elsewhere.example/x',
            name: 'x',
          },
        ],
      }),
    );
    expect(bogus.statusCode).toBe(400);
  });
});
