import { randomBytes } from 'node:crypto';
import { int, jsonArg, required, str } from '../body.js';
import type { MethodCtx, MethodTable } from '../context.js';
import { fail } from '../errors.js';
import { slackId } from '../ids.js';
import { fileJson } from '../render.js';
import type { FileRecord } from '../state.js';
import { postMessage } from './posting.js';

const MIMETYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  pdf: 'application/pdf',
  txt: 'text/plain',
  md: 'text/markdown',
  json: 'application/json',
  mp4: 'video/mp4',
  mp3: 'audio/mpeg',
};

function mimetypeFor(name: string): string {
  const ext = /\.([a-z0-9]{1,10})$/i.exec(name)?.[1]?.toLowerCase() ?? '';
  return MIMETYPES[ext] ?? 'application/octet-stream';
}

/** Whether the token's identity may see the file: its uploader, or a member where it is shared. */
export function canSee(ctx: MethodCtx, f: FileRecord): boolean {
  if (f.teamId !== ctx.token.teamId) return false;
  if (f.userId === ctx.actor) return true;
  return f.shares.some((s) => ctx.state.channels.get(s.channel)?.members.has(ctx.actor));
}

export const fileMethods: MethodTable = {
  'files.getUploadURLExternal': {
    tier: 4,
    tokens: ['bot', 'user'],
    scopes: ['files:write'],
    handler(ctx) {
      const filename = required(ctx.args, 'filename');
      const length = int(ctx.args, 'length', -1);
      if (length < 1) throw fail('invalid_arguments', { argument: 'length' });
      if (length > ctx.sim.config.maxUploadBytes) throw fail('file_size_too_large');
      const id = slackId('F');
      const key = randomBytes(16).toString('hex');
      ctx.state.files.set(id, {
        id,
        teamId: ctx.token.teamId,
        userId: ctx.actor,
        name: filename.slice(0, 255),
        title: filename.slice(0, 255),
        mimetype: mimetypeFor(filename),
        size: length,
        data: null,
        declaredLength: length,
        created: Math.floor(Date.now() / 1000),
        completed: false,
        shares: [],
      });
      ctx.state.uploads.set(key, id);
      return { upload_url: `${ctx.state.baseUrl()}/upload/v1/${key}`, file_id: id };
    },
  },

  'files.completeUploadExternal': {
    tier: 4,
    tokens: ['bot', 'user'],
    scopes: ['files:write'],
    handler(ctx) {
      const list = jsonArg(ctx.args, 'files');
      if (!Array.isArray(list) || list.length === 0 || list.length > 10) {
        throw fail('invalid_arguments', { argument: 'files' });
      }
      const records = list.map((entry: { id?: unknown; title?: unknown }) => {
        const f = typeof entry?.id === 'string' ? ctx.state.files.get(entry.id) : undefined;
        if (!f || f.userId !== ctx.actor || f.teamId !== ctx.token.teamId)
          throw fail('file_not_found');
        if (!f.data || f.completed) throw fail('file_not_found');
        if (typeof entry.title === 'string' && entry.title !== '') f.title = entry.title;
        return f;
      });
      const channelArg = str(ctx.args, 'channel_id') ?? str(ctx.args, 'channels')?.split(',')[0];
      if (channelArg) {
        ctx.args.channel_id = channelArg;
        const c = ctx.channel('channel_id');
        if (!c.members.has(ctx.actor)) throw fail('not_in_channel');
        const threadArg = str(ctx.args, 'thread_ts');
        const parent = threadArg ? ctx.state.findMessage(c.id, threadArg) : undefined;
        if (threadArg && !parent) throw fail('invalid_thread_ts');
        for (const f of records) f.completed = true;
        const blocks = jsonArg(ctx.args, 'blocks');
        const m = postMessage(ctx.sim, {
          channel: c,
          author: { user: ctx.actor, botId: ctx.token.botId },
          text: str(ctx.args, 'initial_comment') ?? '',
          blocks: Array.isArray(blocks) ? blocks : undefined,
          threadTs: parent ? (parent.threadTs ?? parent.ts) : undefined,
          files: records.map((f) => f.id),
          subtype: 'file_share',
        });
        for (const f of records) f.shares.push({ channel: c.id, ts: m.ts, threadTs: m.threadTs });
      }
      for (const f of records) f.completed = true;
      return { files: records.map((f) => fileJson(ctx.state, f)) };
    },
  },

  'files.info': {
    tier: 4,
    tokens: ['bot', 'user'],
    scopes: ['files:read'],
    handler(ctx) {
      const f = ctx.state.files.get(required(ctx.args, 'file', 'file_not_found'));
      if (!f || !f.completed || !canSee(ctx, f)) throw fail('file_not_found');
      return { file: fileJson(ctx.state, f), comments: [], response_metadata: { next_cursor: '' } };
    },
  },
};
