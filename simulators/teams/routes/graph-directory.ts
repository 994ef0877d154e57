/** Graph directory reads: users and photos, teams and channels, chats. */
import type { IssuedToken } from '../auth.js';
import type { Sim } from '../context.js';
import { ApiError, type SimRequest } from '../http.js';
import { toGraphChannel, toGraphChat, toGraphMember, toGraphUser } from '../graph-shapes.js';
import { canRead, chatOf, forbidden, graphToken, notFound, page, topOf } from '../graph-access.js';
import type { SimConversation, SimUser } from '../state.js';

const V = '/v1.0';

function needApp(t: IssuedToken, ...perms: string[]): void {
  if (t.kind === 'app' && !perms.some((p) => t.scopes.has(p))) {
    throw forbidden(
      `Missing role permissions on the request. API requires one of ${perms.join(', ')}.`,
    );
  }
}

export function registerGraphDirectoryRoutes(sim: Sim): void {
  const { front, state } = sim;

  const userAt = (req: SimRequest): { t: IssuedToken; user: SimUser } => {
    const t = graphToken(sim, req);
    const id = req.params.user === undefined ? t.userId : req.params.user;
    if (id === undefined) throw new Error('unreachable');
    const user = [...state.users.values()].find((u) => u.id === id || u.userPrincipalName === id);
    if (!user || user.tenantId !== t.tenantId) throw notFound(`Resource '${id}'`);
    needApp(t, 'User.Read.All', 'User.ReadBasic.All', 'Directory.Read.All');
    return { t, user };
  };

  front.route('GET', `${V}/me`, (req) => {
    const t = graphToken(sim, req);
    if (t.kind !== 'delegated')
      throw new ApiError(
        400,
        'BadRequest',
        '/me request is only valid with delegated authentication flow.',
      );
    return { status: 200, body: toGraphUser(state.user(t.userId!)) };
  });
  front.route('GET', `${V}/users/{user}`, (req) => ({
    status: 200,
    body: toGraphUser(userAt(req).user),
  }));

  front.route('GET', `${V}/users/{user}/photo`, (req) => {
    const { user } = userAt(req);
    if (!user.photo) throw new ApiError(404, 'ImageNotFound', 'The photo wasn’t found.');
    return {
      status: 200,
      body: {
        '@odata.mediaContentType': user.photo.mimetype,
        '@odata.mediaEtag': `"${user.photo.etag}"`,
        id: '240X240',
        height: 240,
        width: 240,
      },
    };
  });
  front.route('GET', `${V}/users/{user}/photo/$value`, (req) => {
    const { user } = userAt(req);
    if (!user.photo) throw new ApiError(404, 'ImageNotFound', 'The photo wasn’t found.');
    return {
      status: 200,
      headers: { 'content-type': user.photo.mimetype, etag: `"${user.photo.etag}"` },
      body: user.photo.data,
    };
  });

  const teamBody = (id: string) => {
    const team = state.team(id);
    return {
      id: team.id,
      displayName: team.displayName,
      description: team.description || null,
      internalId: team.internalId,
      tenantId: team.tenantId,
      isArchived: false,
    };
  };
  front.route('GET', `${V}/teams`, (req) => {
    const t = graphToken(sim, req);
    needApp(t, 'Team.ReadBasic.All', 'TeamSettings.Read.All');
    const teams = [...state.teams.values()].filter(
      (x) => x.tenantId === t.tenantId && (t.kind === 'app' || x.members.has(t.userId!)),
    );
    const p = page(sim, req, teams, topOf(req, 100, 999));
    const body: Record<string, unknown> = {
      '@odata.context': `${sim.baseUrl()}${V}/$metadata#teams`,
      value: p.value.map((x) => teamBody(x.id)),
    };
    if (p.next) body['@odata.nextLink'] = p.next;
    return { status: 200, body };
  });

  const teamRead = (req: SimRequest) => {
    const t = graphToken(sim, req);
    const team = state.teams.get(req.params.team!);
    if (!team || team.tenantId !== t.tenantId) throw notFound('Team');
    const rsc = state.installs.get(team.id)?.get(t.appId)?.rsc ?? false;
    if (t.kind === 'app' && !rsc) needApp(t, 'Team.ReadBasic.All', 'Channel.ReadBasic.All');
    if (t.kind === 'delegated' && !team.members.has(t.userId!))
      throw forbidden('The user is not a member of this team.');
    return team;
  };
  front.route('GET', `${V}/teams/{team}`, (req) => ({
    status: 200,
    body: teamBody(teamRead(req).id),
  }));
  front.route('GET', `${V}/teams/{team}/channels`, (req) => {
    const team = teamRead(req);
    const t = graphToken(sim, req);
    // A user sees the private and shared channels they are in; the app sees every channel.
    const value = [...state.conversations.values()]
      .filter((c) => c.teamId === team.id)
      .filter((c) => t.kind === 'app' || state.isMember(c, t.userId!))
      .map((c) => toGraphChannel(sim, c));
    return {
      status: 200,
      body: {
        '@odata.context': `${sim.baseUrl()}${V}/$metadata#teams('${team.id}')/channels`,
        '@odata.count': value.length,
        value,
      },
    };
  });
  front.route('GET', `${V}/teams/{team}/channels/{channel}`, (req) => {
    const team = teamRead(req);
    const c = state.conversations.get(req.params.channel!);
    if (!c || c.teamId !== team.id) throw notFound('Channel');
    return { status: 200, body: toGraphChannel(sim, c) };
  });

  // Members: apps need ChannelMember.Read.All / ChatMember.Read.All (or the team's or chat's
  // resource-specific consent); users must be members themselves.
  const membersReply = (req: SimRequest, conv: SimConversation) => {
    const t = graphToken(sim, req);
    if (conv.tenantId !== t.tenantId) throw forbidden('The resource belongs to another tenant.');
    const rsc = state.installFor(conv, t.appId)?.rsc ?? false;
    if (t.kind === 'app' && !rsc) {
      if (conv.kind === 'channel')
        needApp(t, 'ChannelMember.Read.All', 'ChannelMember.ReadWrite.All');
      else needApp(t, 'ChatMember.Read.All', 'Chat.Read.All', 'Chat.ReadWrite.All');
    }
    if (t.kind === 'delegated' && !state.isMember(conv, t.userId!))
      throw forbidden('The user is not a member of this conversation.');
    const value = state.membersOf(conv).map((id) => toGraphMember(conv, state.user(id)));
    return { status: 200, body: { '@odata.count': value.length, value } };
  };
  front.route('GET', `${V}/teams/{team}/channels/{channel}/members`, (req) => {
    const team = teamRead(req);
    const c = state.conversations.get(req.params.channel!);
    if (!c || c.teamId !== team.id) throw notFound('Channel');
    return membersReply(req, c);
  });
  front.route('GET', `${V}/chats/{chat}/members`, (req) =>
    membersReply(req, chatOf(sim, req.params.chat!)),
  );

  front.route('GET', `${V}/chats/{chat}`, (req) => {
    const t = graphToken(sim, req);
    const conv = chatOf(sim, req.params.chat!);
    canRead(sim, t, conv);
    return { status: 200, body: toGraphChat(sim, conv) };
  });
}
