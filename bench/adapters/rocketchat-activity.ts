/**
 * Edits, reactions, deletions and files on the Rocket.Chat simulator for the fault suite, as
 * the human user does them through Rocket.Chat's REST API (its SDK's client; uploads as the
 * web client sends them, multipart), and the bridge's messages read back with their
 * reactions and files.
 */
import { randomBytes } from 'node:crypto';
import { retried } from './retry.js';
import type { BridgedPost, PlatformActivity } from './types.js';

export interface RocketChatHistoryMessage {
  _id: string;
  msg: string;
  reactions?: Record<string, { usernames?: string[] }>;
  files?: Array<{ name?: string }>;
}

interface Rest {
  post(endpoint: string, params: unknown): Promise<unknown>;
}

const says =
  (re: RegExp) =>
  (err: unknown): boolean =>
    re.test(String((err as Error)?.message ?? err));

/** The SDK rejects with the raw Response: made an Error carrying Rocket.Chat's answer. */
async function call(rest: Rest, endpoint: string, params: unknown): Promise<unknown> {
  try {
    return await rest.post(endpoint, params);
  } catch (err) {
    if (!(err instanceof Response)) throw err;
    const answer = await err.text().catch(() => '');
    throw Object.assign(new Error(`${endpoint}: ${err.status} ${answer}`), {
      statusCode: err.status,
    });
  }
}

export function rocketchatActivity(o: {
  url: string;
  human: { rest: Rest; userId: string; token: string };
  /** The bot's messages in a room, oldest first. */
  botMessages(roomId: string): Promise<RocketChatHistoryMessage[]>;
}): PlatformActivity {
  const post = (endpoint: string, params: unknown) => call(o.human.rest, endpoint, params);
  /** Uploads go as multipart, which the SDK's JSON client does not send. */
  const multipart = async (path: string, form: FormData): Promise<{ file: { _id: string } }> => {
    const res = await fetch(`${o.url}/api/v1/${path}`, {
      method: 'POST',
      headers: { 'X-User-Id': o.human.userId, 'X-Auth-Token': o.human.token },
      body: form,
    });
    const body = (await res.json().catch(() => ({}))) as { file: { _id: string } };
    if (!res.ok)
      throw Object.assign(new Error(`${path}: ${res.status}`), { statusCode: res.status });
    return body;
  };
  return {
    async postId(channel, text) {
      // A fixed message id: a retry after an answer got lost is refused as a duplicate.
      const _id = randomBytes(9).toString('base64url');
      await retried(
        () => post('/v1/chat.sendMessage', { message: { _id, rid: channel, msg: text } }),
        { done: says(/already exists/) },
      );
      return _id;
    },
    async edit(channel, id, text) {
      await retried(() => post('/v1/chat.update', { roomId: channel, msgId: id, text }));
    },
    async react(_channel, id) {
      // shouldReact makes a retry after a lost answer a no-op instead of a toggle back.
      await retried(() =>
        post('/v1/chat.react', { messageId: id, emoji: ':thumbsup:', shouldReact: true }),
      );
    },
    async remove(channel, id) {
      // A retry after a deletion that went through finds no message: done.
      await retried(() => post('/v1/chat.delete', { roomId: channel, msgId: id }), {
        done: says(/No message found/),
      });
    },
    async upload(channel, name) {
      const form = new FormData();
      form.append('file', new Blob([`file ${name}`], { type: 'text/plain' }), name);
      const { file } = await retried(() => multipart(`rooms.media/${channel}`, form));
      // A confirm that went through refuses a second one (the upload is in a message): done.
      await retried(() => post(`/v1/rooms.mediaConfirm/${channel}/${file._id}`, {}), {
        done: says(/invalid-file/),
      });
    },
    async bridgedPosts(channel): Promise<BridgedPost[]> {
      return (await o.botMessages(channel)).map((m) => ({
        text: m.msg,
        reactions: Object.values(m.reactions ?? {}).reduce(
          (n, r) => n + (r.usernames?.length ?? 0),
          0,
        ),
        files: (m.files ?? []).map((f) => f.name ?? ''),
      }));
    },
  };
}
