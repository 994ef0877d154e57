import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  NeedsOwnAccountError,
  ReactionUnavailableError,
  UnsupportedError,
} from '../../../src/connector/index.js';
import { markerHtml } from '../../../connectors/teams/send-ledger.js';
import { waitFor } from '../../contract/fake-context.js';
import { trustingFetch } from '../../simulators/teams/helpers.js';
import { crashThenRetry } from './crash.js';
import { caughtUpTo, outbound, teamsWorld, type TeamsTestWorld } from './world.js';

let w: TeamsTestWorld;
const MARIA = '@maria:example.org';
const contoso = (channel: string) => ({ workspace: 'contoso', channel });
type GraphView = {
  id: string;
  replyToId: string | null;
  body: { content: string };
  from: { user: { id: string } | null; application: { id: string } | null };
  attachments: Array<{ contentType: string; name: string | null; contentUrl: string | null }>;
  reactions: Array<{ reactionType: string; user: { user: { id: string } } }>;
};
const view = (channel: string) => w.sim.control.messages(channel) as unknown as GraphView[];

/** What a browser does with the sign-in URL: Microsoft signs the user in, then redirects to the bridge. */
async function signIn(url: string, loginHint: string): Promise<{ status: number; body: string }> {
  const authorize = new URL(url);
  authorize.searchParams.set('login_hint', loginHint);
  const res = await trustingFetch(w.sim)(authorize, { redirect: 'manual' });
  expect(res.status).toBe(302);
  const back = await fetch(res.headers.get('location')!);
  return { status: back.status, body: await back.text() };
}

beforeAll(async () => {
  w = await teamsWorld();
}, 60_000);
afterAll(() => w?.close());

describe('account linking', () => {
  it('links through the OAuth callback with a one-time state bound to the Matrix user, and stores tokens encrypted', async () => {
    const url = await w.connector.beginAccountLink('contoso', MARIA);
    const parsed = new URL(url);
    expect(parsed.origin).toBe(w.sim.url);
    expect(parsed.searchParams.get('redirect_uri')).toBe(
      `${w.webhooks.url}/_bridge/webhooks/teams/oauth/callback`,
    );
    expect(parsed.searchParams.get('code_challenge_method')).toBe('S256');
    expect(parsed.searchParams.get('scope')).toContain(
      'https://graph.microsoft.com/ChannelMessage.Send',
    );

    const done = await signIn(url, w.alice.upn);
    expect(done.status).toBe(200);
    expect(done.body).toContain('Alice Andersson');
    expect(await w.connector.linkedAccount('contoso', MARIA)).toEqual({
      userId: w.alice.id,
      displayName: 'Alice Andersson',
    });

    const stored = w.ctx.store.get(`puppet:contoso:${MARIA}`)!;
    expect(stored).toMatch(/^v1\./);
    expect([...w.ctx.store.values()].join('\n')).not.toMatch(/sim\.|rt\./);

    // The state is single-use.
    const replay = await fetch(
      `${w.webhooks.url}/_bridge/webhooks/teams/oauth/callback?state=${encodeURIComponent(parsed.searchParams.get('state')!)}&code=x`,
    );
    expect(replay.status).toBe(400);
  });

  it('posts, replies, edits, deletes, shares files and reacts as the linked user, without echoes', async () => {
    const root = w.sim.control.post(w.bob.id, w.channelId, 'bob asks');
    const message = outbound('as myself', { threadRoot: root });
    const sent = await w.connector.sendMessage(contoso(w.channelId), message);
    const id = sent.messageIds[0]!;
    const mine = view(w.channelId).find((m) => m.id === id)!;
    expect(mine.from.user?.id).toBe(w.alice.id);
    expect(mine.replyToId).toBe(root);
    // The hidden marker lets a retry after a crash find this post instead of posting it again.
    expect(mine.body.content).toBe(`<p>as myself</p>${markerHtml(message.idempotencyKey, 0)}`);

    await w.connector.editMessage(contoso(w.channelId), id, outbound('as myself, edited'));
    expect(view(w.channelId).find((m) => m.id === id)!.body.content).toBe(
      '<p>as myself, edited</p>',
    );

    await w.connector.addReaction(contoso(w.channelId), root, '❤️', {
      userId: MARIA,
      displayName: 'Maria',
    });
    expect(view(w.channelId).find((m) => m.id === root)!.reactions).toMatchObject([
      { reactionType: 'heart', user: { user: { id: w.alice.id } } },
    ]);
    await w.connector.removeReaction(contoso(w.channelId), root, '❤️', {
      userId: MARIA,
      displayName: 'Maria',
    });
    expect(view(w.channelId).find((m) => m.id === root)!.reactions).toEqual([]);
    // Free text is no Teams reaction: the sender is told; removing it is nothing to do.
    const maria = { userId: MARIA, displayName: 'Maria' };
    await expect(
      w.connector.addReaction(contoso(w.channelId), root, 'lol', maria),
    ).rejects.toBeInstanceOf(ReactionUnavailableError);
    await w.connector.removeReaction(contoso(w.channelId), root, 'lol', maria);

    const withFile = outbound('the plan');
    withFile.content.attachments.push({
      kind: 'file',
      name: 'plan.pdf',
      mimetype: 'application/pdf',
      data: Buffer.from('%PDF-1.4 plan'),
    });
    const [fileId] = (await w.connector.sendMessage(contoso(w.channelId), withFile)).messageIds;
    const fileMsg = view(w.channelId).find((m) => m.id === fileId)!;
    expect(fileMsg.attachments[0]).toMatchObject({ contentType: 'reference', name: 'plan.pdf' });
    expect(w.sim.control.file(fileMsg.attachments[0]!.contentUrl!)?.data.toString()).toBe(
      '%PDF-1.4 plan',
    );

    const chatSent = await w.connector.sendMessage(
      contoso(w.chatId),
      outbound('in the chat, as myself'),
    );
    expect(view(w.chatId).find((m) => m.id === chatSent.messageIds[0])!.from.user?.id).toBe(
      w.alice.id,
    );

    await w.connector.deleteMessage(contoso(w.channelId), id);
    expect(view(w.channelId).some((m) => m.id === id)).toBe(false);

    await caughtUpTo(w.ctx, [w.channelId, w.chatId], Date.now());
    const bridged = [id, fileMsg.id, chatSent.messageIds[0], root];
    const echoes = w.ctx.events.filter(
      (e) =>
        'messageId' in e &&
        bridged.includes(e.messageId) &&
        !(e.kind === 'message' && e.messageId === root),
    );
    expect(echoes).toEqual([]);
  });

  it('renews tokens: with the refresh token when they expire, and after the service revokes them', async () => {
    w.sim.expireTokens();
    const revoked = await w.connector.sendMessage(
      contoso(w.channelId),
      outbound('after revocation'),
    );
    expect(view(w.channelId).find((m) => m.id === revoked.messageIds[0])!.from.user?.id).toBe(
      w.alice.id,
    );
    // App-only Graph renews its token too: catch-up still recovers a lost activity.
    w.sim.dropDeliveries(1);
    const lost = w.sim.control.post(w.bob.id, w.channelId, 'lost after revocation');
    await waitFor('the caught-up message', () =>
      w.ctx.events.some((e) => e.kind === 'message' && e.messageId === lost),
    );

    w.sim.setTokenLifetime(60);
    await w.connector.unlinkAccount('contoso', MARIA);
    await signIn(await w.connector.beginAccountLink('contoso', MARIA), w.alice.id);
    const tokenCalls = () =>
      w.sim.requestLog().filter((r) => r.path.endsWith('/oauth2/v2.0/token')).length;
    const before = tokenCalls();
    await w.connector.sendMessage(contoso(w.channelId), outbound('short-lived token'));
    expect(tokenCalls()).toBeGreaterThan(before);
    w.sim.setTokenLifetime(3600);
  });

  it('a link removed from storage (retention.account_links_days) ends at the next renewal, not saved again', async () => {
    // Tokens that need renewing at once: every post goes through a renewal.
    w.sim.setTokenLifetime(60);
    await w.connector.unlinkAccount('contoso', MARIA);
    await signIn(await w.connector.beginAccountLink('contoso', MARIA), w.alice.id);
    const key = `puppet:contoso:${MARIA}`;
    expect(w.ctx.store.get(key)).toMatch(/^v1\./);
    const mine = await w.connector.sendMessage(contoso(w.channelId), outbound('renewed as me'));
    expect(view(w.channelId).find((m) => m.id === mine.messageIds[0])!.from.user?.id).toBe(
      w.alice.id,
    );
    w.ctx.store.delete(key);
    const sent = await w.connector.sendMessage(contoso(w.channelId), outbound('link pruned'));
    expect(view(w.channelId).find((m) => m.id === sent.messageIds[0])!.from.application?.id).toBe(
      w.app.appId,
    );
    expect(w.ctx.store.get(key) ?? '').toBe('');
    w.sim.setTokenLifetime(3600);
    // Linked again for the tests after this one.
    await signIn(await w.connector.beginAccountLink('contoso', MARIA), w.alice.id);
  });

  it('does not post twice as the linked user when the bridge dies before recording the post', async () => {
    const message = outbound('as myself, exactly once');
    const ids = await crashThenRetry(w, w.channelId, message);
    const copies = view(w.channelId).filter((m) => m.body.content.includes('exactly once'));
    expect(copies.map((m) => m.id)).toEqual(ids);
    expect(copies[0]!.from.user?.id).toBe(w.alice.id);
  });

  it('falls back to the bot after unlinking, and refuses reactions then', async () => {
    expect(await w.connector.unlinkAccount('contoso', MARIA)).toBe(true);
    expect(await w.connector.linkedAccount('contoso', MARIA)).toBeUndefined();
    const sent = await w.connector.sendMessage(contoso(w.channelId), outbound('as the bot again'));
    expect(view(w.channelId).find((m) => m.id === sent.messageIds[0])!.from.application?.id).toBe(
      w.app.appId,
    );
    const target = w.sim.control.post(w.bob.id, w.channelId, 'x');
    await expect(
      w.connector.addReaction(contoso(w.channelId), target, '👍', {
        userId: MARIA,
        displayName: 'Maria',
      }),
    ).rejects.toBeInstanceOf(NeedsOwnAccountError);
  });

  it('refuses linking where no encryption key is configured', async () => {
    const other = await w.start({
      ...w.config,
      workspaces: {
        contoso: {
          ...(w.config.workspaces as { contoso: object }).contoso,
          token_encryption_key: undefined,
        },
      },
    });
    await expect(
      (other.connector as typeof w.connector).beginAccountLink('contoso', MARIA),
    ).rejects.toBeInstanceOf(UnsupportedError);
    await other.connector.stop();
  });
});
