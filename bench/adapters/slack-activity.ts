/**
 * Edits, reactions, deletions and files on the Slack simulator for the fault suite, as the
 * human user does them through @slack/web-api, and the bridge's messages read back with
 * their reactions and files.
 */
import type { WebClient } from '@slack/web-api';
import { retried } from './retry.js';
import type { BridgedPost, PlatformActivity } from './types.js';

export interface SlackHistoryMessage {
  ts: string;
  text?: string;
  reactions?: Array<{ name?: string; count?: number }>;
  files?: Array<{ name?: string }>;
}

/** Slack's `{ok:false, error}` code, from a WebClient platform error. */
const slackError = (err: unknown): string | undefined =>
  (err as { data?: { error?: string } }).data?.error;
const is =
  (...codes: string[]) =>
  (err: unknown): boolean =>
    codes.includes(slackError(err) ?? '');

export function slackActivity(o: {
  human: WebClient;
  /** The bot's top-level messages in a channel, oldest first. */
  botMessages(channel: string): Promise<SlackHistoryMessage[]>;
}): PlatformActivity {
  const { human } = o;
  return {
    async postId(channel, text) {
      const res = await retried(() => human.chat.postMessage({ channel, text }));
      return String(res.ts);
    },
    async edit(channel, ts, text) {
      await retried(() => human.chat.update({ channel, ts, text }));
    },
    async react(channel, ts) {
      await retried(() => human.reactions.add({ channel, timestamp: ts, name: 'thumbsup' }), {
        done: is('already_reacted'),
      });
    },
    async remove(channel, ts) {
      await retried(() => human.chat.delete({ channel, ts }), { done: is('message_not_found') });
    },
    async upload(channel, name) {
      await retried(() =>
        human.filesUploadV2({
          channel_id: channel,
          file: Buffer.from(`file ${name}`),
          filename: name,
        }),
      );
    },
    async bridgedPosts(channel): Promise<BridgedPost[]> {
      return (await o.botMessages(channel)).map((m) => ({
        text: m.text ?? '',
        reactions: (m.reactions ?? []).reduce((n, r) => n + (r.count ?? 1), 0),
        files: (m.files ?? []).map((f) => f.name ?? ''),
      }));
    },
  };
}
