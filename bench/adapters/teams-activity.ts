/**
 * Edits, reactions, deletions and files on the Teams simulator for the fault suite, as the
 * human user does them through Microsoft Graph (delegated: `PATCH`, `setReaction`,
 * `softDelete`, a SharePoint upload shared as a reference attachment), and the bridge's
 * posts read back with their reactions and file cards.
 */
import type { Client } from '@microsoft/microsoft-graph-client';
import { clientError, retried } from './retry.js';
import type { BridgedPost, PlatformActivity } from './types.js';

/** A bot message as Graph lists it, read as its readers see it. */
export interface TeamsBotPost {
  text: string;
  reactions: number;
  attachmentNames: string[];
}

const gone = (err: unknown): boolean => (err as { statusCode?: number }).statusCode === 404;

export function teamsActivity(o: {
  /** Graph signed in as the human user. */
  human: Client;
  teamId: string;
  /** The bridge's messages in a channel, oldest first (deleted ones left out). */
  botPosts(channel: string): Promise<TeamsBotPost[]>;
}): PlatformActivity {
  const { human, teamId } = o;
  const messages = (channel: string): string => `/teams/${teamId}/channels/${channel}/messages`;
  const write = <T>(fn: () => Promise<T>, done?: (err: unknown) => boolean): Promise<T> =>
    retried(fn, { permanent: clientError, ...(done ? { done } : {}) });
  const post = async (channel: string, body: Record<string, unknown>): Promise<string> =>
    ((await write(() => human.api(messages(channel)).post(body))) as { id: string }).id;
  return {
    // Bots cannot react in Teams: a Matrix user's reaction needs their own linked account,
    // and without one they get a notice instead (see the Teams e2e tests).
    matrixReactions: false,
    postId: (channel, text) =>
      post(channel, { body: { contentType: 'html', content: `<p>${text}</p>` } }),
    async edit(channel, id, text) {
      await write(() =>
        human
          .api(`${messages(channel)}/${id}`)
          .patch({ body: { contentType: 'html', content: `<p>${text}</p>` } }),
      );
    },
    async react(channel, id) {
      await write(() =>
        human.api(`${messages(channel)}/${id}/setReaction`).post({ reactionType: '👍' }),
      );
    },
    async remove(channel, id) {
      await write(() => human.api(`${messages(channel)}/${id}/softDelete`).post({}), gone);
    },
    async upload(channel, name) {
      const folder = (await write(() =>
        human.api(`/teams/${teamId}/channels/${channel}/filesFolder`).get(),
      )) as { id: string; parentReference: { driveId: string } };
      const item = (await write(() =>
        human
          .api(`/drives/${folder.parentReference.driveId}/items/${folder.id}:/${name}:/content`)
          .header('content-type', 'text/plain')
          .put(Buffer.from(`file ${name}`)),
      )) as { eTag: string; webUrl: string };
      const guid = /\{([^}]+)\}/.exec(item.eTag)?.[1];
      if (!guid) throw new Error(`upload of ${name}: no driveItem GUID in eTag ${item.eTag}`);
      await post(channel, {
        body: { contentType: 'html', content: `<attachment id="${guid}"></attachment>` },
        attachments: [{ id: guid, contentType: 'reference', contentUrl: item.webUrl, name }],
      });
    },
    async bridgedPosts(channel): Promise<BridgedPost[]> {
      return (await o.botPosts(channel)).map((p) => ({
        text: p.text,
        reactions: p.reactions,
        files: p.attachmentNames,
      }));
    },
  };
}
