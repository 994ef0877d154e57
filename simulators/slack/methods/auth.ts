import type { MethodTable } from '../context.js';
import { fail } from '../errors.js';

export const authMethods: MethodTable = {
  'auth.test': {
    tier: 4,
    tokens: ['bot', 'user'],
    handler(ctx) {
      const ws = ctx.state.workspaces.get(ctx.token.teamId)!;
      const user = ctx.state.users.get(ctx.actor);
      return {
        url: `https://${ws.domain}.slack.com/`,
        team: ws.name,
        user: user?.name ?? '',
        team_id: ws.id,
        user_id: ctx.actor,
        ...(ctx.token.botId ? { bot_id: ctx.token.botId } : {}),
        is_enterprise_install: false,
      };
    },
  },

  'apps.connections.open': {
    tier: 1,
    tokens: ['app'],
    scopes: ['connections:write'],
    handler(ctx) {
      const app = ctx.state.apps.get(ctx.token.appId ?? '');
      if (!app) throw fail('invalid_auth');
      if (app.delivery.mode !== 'socket') throw fail('socket_mode_not_enabled');
      return { url: ctx.sim.socket.openTicket(app.id, ctx.state.baseUrl()) };
    },
  },
};
