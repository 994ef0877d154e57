import { bool, jsonArg, str } from '../body.js';
import type { MethodCtx, MethodTable } from '../context.js';
import { fail, rateLimited } from '../errors.js';
import { messageJson } from '../render.js';
import type { MessageRecord } from '../state.js';
import { deleteMessage, editMessage, postMessage } from './posting.js';

const MAX_TEXT = 40_000;
const MAX_BLOCKS = 50;

function blocksArg(ctx: MethodCtx): unknown[] | undefined {
  const blocks = jsonArg(ctx.args, 'blocks');
  if (blocks === undefined || blocks === '') return undefined;
  if (!Array.isArray(blocks) || blocks.some((b) => typeof b !== 'object' || b === null)) {
    throw fail('invalid_blocks');
  }
  if (blocks.length > MAX_BLOCKS) throw fail('invalid_blocks');
  return blocks;
}

function metadataArg(ctx: MethodCtx): MessageRecord['metadata'] {
  const m = jsonArg(ctx.args, 'metadata') as { event_type?: unknown; event_payload?: unknown };
  if (m === undefined) return undefined;
  if (typeof m !== 'object' || m === null || typeof m.event_type !== 'string') {
    throw fail('invalid_metadata_format');
  }
  return { event_type: m.event_type, event_payload: m.event_payload ?? {} };
}

function textArg(ctx: MethodCtx, blocks: unknown[] | undefined): string {
  const text = str(ctx.args, 'text') ?? '';
  if (text === '' && !blocks) throw fail('no_text');
  if (text.length > MAX_TEXT) throw fail('msg_too_long');
  return text;
}

export const chatMethods: MethodTable = {
  'chat.postMessage': {
    tier: 4,
    tokens: ['bot', 'user'],
    scopes: ['chat:write'],
    handler(ctx) {
      const c = ctx.channel();
      const canPublic = ctx.token.kind === 'bot' && ctx.has('chat:write.public') && !c.isPrivate;
      if (!c.members.has(ctx.actor) && !canPublic) throw fail('not_in_channel');
      if (c.archived) throw fail('is_archived');
      const blocks = blocksArg(ctx);
      const text = textArg(ctx, blocks);
      const threadArg = str(ctx.args, 'thread_ts');
      let threadTs: string | undefined;
      if (threadArg) {
        const parent = ctx.state.findMessage(c.id, threadArg);
        if (!parent) throw fail('thread_not_found');
        threadTs = parent.threadTs ?? parent.ts;
      }
      const wait = ctx.sim.limits.checkPost(ctx.token.botId ?? ctx.actor, c.id);
      if (wait > 0) throw rateLimited(Math.ceil(wait / 1000));
      // Without chat:write.customize Slack ignores the identity arguments silently.
      const customize = ctx.token.kind === 'bot' && ctx.has('chat:write.customize');
      const m = postMessage(ctx.sim, {
        channel: c,
        author: { user: ctx.actor, botId: ctx.token.botId },
        text,
        blocks,
        threadTs,
        broadcast: threadTs !== undefined && bool(ctx.args, 'reply_broadcast'),
        username: customize ? str(ctx.args, 'username') || undefined : undefined,
        iconUrl: customize ? str(ctx.args, 'icon_url') || undefined : undefined,
        metadata: metadataArg(ctx),
      });
      return { channel: c.id, ts: m.ts, message: messageJson(ctx.state, m) };
    },
  },

  'chat.update': {
    tier: 3,
    tokens: ['bot', 'user'],
    scopes: ['chat:write'],
    handler(ctx) {
      const c = ctx.channel();
      const m = ctx.message(c);
      if (!ctx.isAuthor(m)) throw fail('cant_update_message');
      const blocks = blocksArg(ctx);
      const text = textArg(ctx, blocks);
      // Without `blocks` the message keeps its blocks; an empty list removes them.
      editMessage(
        ctx.sim,
        m,
        ctx.actor,
        text,
        blocks === undefined ? m.blocks : blocks.length > 0 ? blocks : undefined,
      );
      return { channel: c.id, ts: m.ts, text: m.text, message: messageJson(ctx.state, m) };
    },
  },

  'chat.delete': {
    tier: 3,
    tokens: ['bot', 'user'],
    scopes: ['chat:write'],
    handler(ctx) {
      const c = ctx.channel();
      const m = ctx.message(c);
      if (!ctx.isAuthor(m)) throw fail('cant_delete_message');
      deleteMessage(ctx.sim, m);
      return { channel: c.id, ts: m.ts };
    },
  },
};
