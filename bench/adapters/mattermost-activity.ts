/**
 * Edits, reactions, deletions and files on the Mattermost simulator for the fault suite,
 * as the human user does them through @mattermost/client, and the bridge's posts read back
 * with their reactions and files.
 */
import { randomBytes } from 'node:crypto';
import type mattermostClient from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import { retried } from './retry.js';
import type { BridgedPost, PlatformActivity } from './types.js';

type Client = InstanceType<typeof mattermostClient.Client4>;

const notFound = (err: unknown): boolean => (err as { statusCode?: number }).statusCode === 404;

/** A create that a retry cannot double: Mattermost returns the first post for the same id. */
async function create(human: Client, userId: string, post: Partial<Post>): Promise<Post> {
  const pending = `${userId}:${randomBytes(8).toString('hex')}`;
  return retried(() =>
    human.createPost({ message: '', ...post, pending_post_id: pending } as Post),
  );
}

export function mattermostActivity(o: {
  human: Client;
  humanId: string;
  /** Lists the bot's posts in a channel, oldest first. */
  botPosts(channel: string): Promise<Post[]>;
}): PlatformActivity {
  const { human, humanId } = o;
  return {
    async postId(channel, text) {
      return (await create(human, humanId, { channel_id: channel, message: text })).id;
    },
    async edit(_channel, id, text) {
      await retried(() => human.patchPost({ id, message: text }));
    },
    async react(_channel, id) {
      await retried(() => human.addReaction(humanId, id, 'thumbsup'));
    },
    async remove(_channel, id) {
      // A retry after a deletion that went through answers 404: done.
      await retried(() => human.deletePost(id), { done: notFound });
    },
    async upload(channel, name) {
      const form = new FormData();
      form.append('channel_id', channel);
      form.append('files', new Blob([`file ${name}`], { type: 'text/plain' }), name);
      const uploaded = await retried(() => human.uploadFile(form));
      const ids = uploaded.file_infos.map((f) => f.id);
      await create(human, humanId, { channel_id: channel, file_ids: ids });
    },
    async bridgedPosts(channel): Promise<BridgedPost[]> {
      return (await o.botPosts(channel)).map((p) => ({
        text: p.message,
        reactions: p.metadata?.reactions?.length ?? 0,
        files: (p.metadata?.files ?? []).map((f) => f.name),
      }));
    },
  };
}
