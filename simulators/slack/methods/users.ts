import type { MethodTable } from '../context.js';
import { fail } from '../errors.js';
import { botJson, userJson } from '../render.js';
import { required, str } from '../body.js';

export const userMethods: MethodTable = {
  'users.info': {
    tier: 4,
    tokens: ['bot', 'user'],
    scopes: ['users:read'],
    handler(ctx) {
      const u = ctx.state.users.get(required(ctx.args, 'user', 'user_not_found'));
      if (!u || u.teamId !== ctx.token.teamId) throw fail('user_not_found');
      return { user: userJson(ctx.state, u) };
    },
  },

  'users.profile.get': {
    tier: 4,
    tokens: ['bot', 'user'],
    scopes: ['users.profile:read'],
    handler(ctx) {
      const u = ctx.state.users.get(str(ctx.args, 'user') ?? ctx.actor);
      if (!u || u.teamId !== ctx.token.teamId) throw fail('user_not_found');
      return { profile: userJson(ctx.state, u).profile };
    },
  },

  'bots.info': {
    tier: 3,
    tokens: ['bot', 'user'],
    scopes: ['users:read'],
    handler(ctx) {
      const b = ctx.state.bots.get(required(ctx.args, 'bot', 'bot_not_found'));
      if (!b || b.teamId !== ctx.token.teamId) throw fail('bot_not_found');
      return { bot: botJson(ctx.state, b) };
    },
  },
};
