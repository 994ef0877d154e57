import { required } from '../body.js';
import type { MethodTable } from '../context.js';
import { fail } from '../errors.js';
import { isKnownEmoji } from '../emoji.js';
import { messageJson } from '../render.js';
import { reactionEvent } from './posting.js';

const MAX_REACTIONS = 23;

export const reactionMethods: MethodTable = {
  'reactions.add': {
    tier: 3,
    tokens: ['bot', 'user'],
    scopes: ['reactions:write'],
    handler(ctx) {
      const c = ctx.channel();
      const m = ctx.message(c, 'timestamp');
      const name = required(ctx.args, 'name', 'invalid_name').replace(/^:|:$/g, '');
      const ws = ctx.state.workspaces.get(ctx.token.teamId)!;
      if (!isKnownEmoji(name, ws.customEmoji)) throw fail('invalid_name');
      const users = m.reactions.get(name) ?? [];
      if (users.includes(ctx.actor)) throw fail('already_reacted');
      if (!m.reactions.has(name) && m.reactions.size >= MAX_REACTIONS) throw fail('too_many_emoji');
      users.push(ctx.actor);
      m.reactions.set(name, users);
      reactionEvent(ctx.sim, m, ctx.actor, name, true);
      return {};
    },
  },

  'reactions.remove': {
    tier: 3,
    tokens: ['bot', 'user'],
    scopes: ['reactions:write'],
    handler(ctx) {
      const c = ctx.channel();
      const m = ctx.message(c, 'timestamp');
      const name = required(ctx.args, 'name', 'invalid_name').replace(/^:|:$/g, '');
      const users = m.reactions.get(name) ?? [];
      const i = users.indexOf(ctx.actor);
      if (i < 0) throw fail('no_reaction');
      users.splice(i, 1);
      if (users.length === 0) m.reactions.delete(name);
      reactionEvent(ctx.sim, m, ctx.actor, name, false);
      return {};
    },
  },

  'reactions.get': {
    tier: 3,
    tokens: ['bot', 'user'],
    scopes: ['reactions:read'],
    handler(ctx) {
      const c = ctx.channel();
      const m = ctx.message(c, 'timestamp');
      return { type: 'message', channel: c.id, message: messageJson(ctx.state, m) };
    },
  },
};
