import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeApp } from '../../src/app/bridge-app.js';
import type { MatrixEvent } from '../harness/index.js';
import { trustingFetch } from '../simulators/teams/helpers.js';
import { waitFor } from '../harness/wait.js';
import {
  createTeamsWorld,
  PIXEL,
  startTeamsBridge,
  teamsConnectorOf,
  type TeamsWorld,
} from './teams-fixture.js';

let world: TeamsWorld;
let bridge: BridgeApp;

const rel = (e: MatrixEvent): Record<string, unknown> =>
  (e.content['m.relates_to'] ?? {}) as Record<string, unknown>;
const channelPath = () => `/teams/${world.teamId}/channels/${world.channelId}/messages`;

async function postAsAlice(
  content: string,
  opts: { replyTo?: string; extra?: Record<string, unknown> } = {},
): Promise<string> {
  const path = opts.replyTo ? `${channelPath()}/${opts.replyTo}/replies` : channelPath();
  const m = (await world
    .graphAs(world.alice.id)
    .api(path)
    .post({ body: { contentType: 'html', content }, ...opts.extra })) as { id: string };
  return m.id;
}

function fromGhost(userId: string, predicate: (e: MatrixEvent) => boolean): Promise<MatrixEvent> {
  const ghost = world.ghostOf(userId);
  return world.matrix.waitForEvent(world.roomId, (e) => e.sender === ghost && predicate(e));
}

/**
 * A marker whose live delivery is lost, so only the Graph catch-up brings it: once it is
 * in the room, a catch-up pass ran after everything before it, and the portal's worker
 * (which delivers in order) has handled everything recorded before it.
 */
async function markerThroughCatchUp(text: string): Promise<void> {
  await world.sim.idle(); // so the loss hits the marker, not an activity still queued
  world.sim.dropDeliveries(1);
  await postAsAlice(`<p>${text}</p>`);
  await fromGhost(world.alice.id, (e) => e.content.body === text);
}

beforeAll(async () => {
  world = await createTeamsWorld();
  bridge = await startTeamsBridge(world);
});

afterAll(async () => {
  await bridge?.stop();
  await world?.close();
});

describe('Teams → Matrix', () => {
  it('shows a message as the author’s ghost with name, avatar, formatting and mention pills', async () => {
    await postAsAlice(
      '<p>Hello <strong>team</strong>, see <a href="https://example.org">docs</a> and <code>code</code>, <at id="0">Bob Berg</at></p>',
      {
        extra: {
          mentions: [
            {
              id: 0,
              mentionText: 'Bob Berg',
              mentioned: {
                user: { id: world.bob.id, displayName: 'Bob Berg', userIdentityType: 'aadUser' },
              },
            },
          ],
        },
      },
    );
    const ev = await fromGhost(
      world.alice.id,
      (e) => e.type === 'm.room.message' && String(e.content.body).includes('Hello'),
    );
    expect(ev.content.formatted_body).toContain('<strong>team</strong>');
    expect(ev.content.formatted_body).toContain('<a href="https://example.org">docs</a>');
    expect(ev.content.formatted_body).toContain('<code>code</code>');
    expect(ev.content.formatted_body).toContain(
      `https://matrix.to/#/${world.ghostOf(world.bob.id)}`,
    );
    const profile = await world.matrix.getProfile(world.ghostOf(world.alice.id));
    expect(profile.displayname).toBe('Alice Andersson (Microsoft Teams)');
    expect(profile.avatar_url).toMatch(/^mxc:\/\//);
  });

  it('carries thread replies, edits, reactions and deletes', async () => {
    const alice = world.graphAs(world.alice.id);
    const root = await postAsAlice('<p>thread root</p>');
    const rootEv = await fromGhost(world.alice.id, (e) => e.content.body === 'thread root');
    const reply = await postAsAlice('<p>in the thread</p>', { replyTo: root });
    const replyEv = await fromGhost(world.alice.id, (e) => e.content.body === 'in the thread');
    expect(rel(replyEv)).toMatchObject({ rel_type: 'm.thread', event_id: rootEv.event_id });

    await alice
      .api(`${channelPath()}/${root}`)
      .patch({ body: { contentType: 'html', content: '<p>thread root (edited)</p>' } });
    const editEv = await fromGhost(world.alice.id, (e) => rel(e).rel_type === 'm.replace');
    expect(rel(editEv).event_id).toBe(rootEv.event_id);
    expect((editEv.content['m.new_content'] as { body: string }).body).toBe('thread root (edited)');

    await alice.api(`${channelPath()}/${root}/setReaction`).post({ reactionType: 'like' });
    const reactEv = await fromGhost(world.alice.id, (e) => e.type === 'm.reaction');
    expect(rel(reactEv)).toMatchObject({
      rel_type: 'm.annotation',
      event_id: rootEv.event_id,
      key: '👍',
    });
    await alice.api(`${channelPath()}/${root}/unsetReaction`).post({ reactionType: 'like' });
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === reactEv.event_id,
    );

    await alice.api(`${channelPath()}/${root}/replies/${reply}/softDelete`).post({});
    await world.matrix.waitForEvent(
      world.roomId,
      (e) => e.type === 'm.room.redaction' && e.redacts === replyEv.event_id,
    );
  });

  it('uploads shared files and inline images to the media repository', async () => {
    const alice = world.graphAs(world.alice.id);
    const folder = (await alice
      .api(`/teams/${world.teamId}/channels/${world.channelId}/filesFolder`)
      .get()) as { id: string; parentReference: { driveId: string } };
    const data = Buffer.from('%PDF-1.4 e2e report');
    const item = (await alice
      .api(`/drives/${folder.parentReference.driveId}/items/${folder.id}:/report.pdf:/content`)
      .header('content-type', 'application/pdf')
      .put(data)) as { eTag: string; webUrl: string };
    const guid = /\{([^}]+)\}/.exec(item.eTag)![1]!;
    await postAsAlice(`<p>the report</p><attachment id="${guid}"></attachment>`, {
      extra: {
        attachments: [
          { id: guid, contentType: 'reference', contentUrl: item.webUrl, name: 'report.pdf' },
        ],
      },
    });
    const fileEv = await fromGhost(world.alice.id, (e) => e.content.msgtype === 'm.file');
    expect(fileEv.content.body).toBe('report.pdf');
    expect(Buffer.compare(await world.matrix.downloadMedia(String(fileEv.content.url)), data)).toBe(
      0,
    );

    await postAsAlice('<p><img src="../hostedContents/1/$value"></p>', {
      extra: {
        hostedContents: [
          {
            '@microsoft.graph.temporaryId': '1',
            contentBytes: PIXEL.toString('base64'),
            contentType: 'image/png',
          },
        ],
      },
    });
    const imageEv = await fromGhost(world.alice.id, (e) => e.content.msgtype === 'm.image');
    expect(
      Buffer.compare(await world.matrix.downloadMedia(String(imageEv.content.url)), PIXEL),
    ).toBe(0);
  });

  it('rejects activities without a valid token: nothing reaches Matrix', async () => {
    const real = await postAsAlice('<p>genuine</p>');
    await fromGhost(world.alice.id, (e) => e.content.body === 'genuine');
    // A fabricated message in the same channel: it exists only in the forged activity.
    const fakeId = String(Date.now() + 1_000_000);
    const fabricate = (a: Record<string, unknown>) => ({
      ...a,
      id: fakeId,
      text: 'forged words',
      attachments: [{ contentType: 'text/html', content: '<div><p>forged words</p></div>' }],
      conversation: { ...(a.conversation as object), id: `${world.channelId};messageid=${fakeId}` },
    });
    for (const fault of [
      'missing',
      'expired',
      'wrong-audience',
      'wrong-issuer',
      'unknown-key',
      'wrong-service-url',
      'alg-none',
      'hs256',
    ] as const) {
      expect([
        fault,
        await world.sim.deliverForged(world.app.appId, real, fault, fabricate),
      ]).toEqual([fault, 401]);
    }
    expect(await world.sim.deliverForged(world.app.appId, real, undefined, () => '{"type":')).toBe(
      400,
    );
    await markerThroughCatchUp('marker after the forgeries');
    const events = (await world.matrix.messages(world.roomId, { limit: 100 })).chunk;
    expect(events.some((e) => String(e.content.body ?? '').includes('forged words'))).toBe(false);
  });

  it('catches up on what was posted while the bridge was down, in order', async () => {
    await bridge.stop();
    await postAsAlice('<p>while down 1</p>');
    await postAsAlice('<p>while down 2</p>');
    bridge = await startTeamsBridge(world);
    const first = await fromGhost(world.alice.id, (e) => e.content.body === 'while down 1');
    const second = await fromGhost(world.alice.id, (e) => e.content.body === 'while down 2');
    expect(first.origin_server_ts).toBeLessThanOrEqual(second.origin_server_ts);
  });
});

describe('Matrix → Teams', () => {
  it('posts as the bot with the Matrix sender’s name, into threads, with edits and deletes', async () => {
    const rootId = await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.text',
      body: 'hello from matrix',
      format: 'org.matrix.custom.html',
      formatted_body: 'hello <em>from</em> <b>matrix</b>',
    });
    const root = await world.waitForTeams((m) => m.body.content.includes('hello <em>from</em>'));
    expect(root.from.application?.id).toBe(world.app.appId);
    expect(root.body.content).toContain('<strong>Maria Matrix (Matrix)</strong>');
    expect(root.body.content).toContain('<p>hello <em>from</em> <strong>matrix</strong></p>');

    await world.matrix.threadReply(world.roomId, rootId, 'matrix thread reply');
    const reply = await world.waitForTeams((m) => m.body.content.includes('matrix thread reply'));
    expect(reply.replyToId).toBe(root.id);

    await world.matrix.edit(world.roomId, rootId, 'matrix root edited');
    await world.waitForTeams(
      (m) => m.id === root.id && m.body.content.includes('matrix root edited'),
    );

    const doomed = await world.matrix.sendMessage(world.roomId, 'short-lived');
    const doomedTeams = await world.waitForTeams((m) => m.body.content.includes('short-lived'));
    await world.matrix.redact(world.roomId, doomed);
    await waitUntil(() => !world.messages().some((m) => m.id === doomedTeams.id));
  });

  it('mentions a Teams user natively and shares files as cards', async () => {
    const ghost = world.ghostOf(world.bob.id);
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.text',
      body: 'Bob Berg: ping',
      format: 'org.matrix.custom.html',
      formatted_body: `<a href="https://matrix.to/#/${ghost}">Bob Berg</a>: ping`,
      'm.mentions': { user_ids: [ghost] },
    });
    const pinged = await world.waitForTeams((m) => m.body.content.includes(': ping'));
    expect(pinged.body.content).toContain('<at id="0">Bob Berg</at>');
    expect(pinged.mentions[0]!.mentioned.user.id).toBe(world.bob.id);

    const data = Buffer.from('plain file contents');
    const mxc = await world.matrix.uploadMedia(new Uint8Array(data), 'text/plain', 'notes.txt');
    await world.matrix.sendMessage(world.roomId, {
      msgtype: 'm.file',
      body: 'notes.txt',
      url: mxc,
      info: { mimetype: 'text/plain', size: data.length },
    });
    const card = await world.waitForTeams((m) => m.attachments.some((a) => a.name === 'notes.txt'));
    const url = (
      JSON.parse(card.attachments.find((a) => a.name === 'notes.txt')!.content!) as {
        buttons: Array<{ value: string }>;
      }
    ).buttons[0]!.value;
    expect(world.sim.control.file(url)?.data.equals(data)).toBe(true);
  });

  it('tells a Matrix user without a linked account that their reaction cannot cross', async () => {
    const teamsId = await postAsAlice('<p>react without an account</p>');
    const target = await fromGhost(
      world.alice.id,
      (e) => e.content.body === 'react without an account',
    );
    await world.matrix.sendReaction(world.roomId, target.event_id, '👀');
    const notice = await world.matrix.waitForEvent(
      world.roomId,
      (e) =>
        e.content.msgtype === 'm.notice' && String(e.content.body).includes('!login teams contoso'),
    );
    expect(notice.content.body).toContain('your reaction was not passed on');
    expect(world.sim.control.message(teamsId).reactions).toEqual([]);
  });

  it('posts as the user once they link their Microsoft account, and reacts as them through Graph', async () => {
    const teamsConnector = teamsConnectorOf(bridge);
    const signIn = new URL(await teamsConnector.beginAccountLink('contoso', world.matrix.userId));
    signIn.searchParams.set('login_hint', world.mariaMs.upn);
    const redirect = await trustingFetch(world.sim)(signIn, { redirect: 'manual' });
    const callback = await fetch(redirect.headers.get('location')!);
    expect(callback.status).toBe(200);

    await world.matrix.sendMessage(world.roomId, 'posted as myself');
    const mine = await world.waitForTeams((m) => m.body.content.includes('posted as myself'));
    expect(mine.from.user?.id).toBe(world.mariaMs.id);
    expect(mine.body.content).not.toContain('<strong>Maria Matrix (Matrix)</strong>');

    // A linked user's Matrix reaction is posted through Graph as them (actorReactions).
    await postAsAlice('<p>react to me</p>');
    const targetEvent = await fromGhost(world.alice.id, (e) => e.content.body === 'react to me');
    await world.matrix.sendReaction(world.roomId, targetEvent.event_id, '🎉');
    const reactedByMaria = () =>
      world
        .messages()
        .find(
          (m) =>
            m.from.user?.id === world.alice.id &&
            world.sim.control
              .message(m.id)
              .reactions.some((r) => r.reactionType === '🎉' && r.userId === world.mariaMs.id),
        );
    await waitUntil(() => reactedByMaria() !== undefined);
    const target = reactedByMaria()!;
    const reacted = world.sim.control.message(target.id).reactions;
    expect(reacted).toContainEqual(
      expect.objectContaining({ reactionType: '🎉', userId: world.mariaMs.id }),
    );

    // Neither the puppet's message nor its reaction comes back to Matrix.
    await markerThroughCatchUp('marker after the puppet');
    const chunk = (await world.matrix.messages(world.roomId, { limit: 50 })).chunk;
    expect(
      chunk.filter(
        (e) =>
          e.sender !== world.matrix.userId &&
          String(e.content.body ?? '').includes('posted as myself'),
      ),
    ).toEqual([]);
    expect(
      chunk.filter(
        (e) =>
          e.type === 'm.reaction' &&
          e.sender !== world.matrix.userId &&
          (rel(e).key as string) === '🎉',
      ),
    ).toEqual([]);
    await teamsConnector.unlinkAccount('contoso', world.matrix.userId);
  });
});

function waitUntil(check: () => boolean): Promise<boolean> {
  return waitFor(check, { what: 'the Teams simulator to show it', intervalMs: 100 });
}
