/**
 * The Bot Connector service (v3) at the serviceUrl: send, reply, update and delete
 * activities, start a conversation (a new thread in a channel), read a member. Bots must be
 * installed in the conversation; activities over the size limit get 413; sends past the
 * per-conversation rate get 429 with Retry-After.
 */
import { ApiError, jsonBody, type SimRequest, type SimResponse } from '../http.js';
import type { Sim } from '../context.js';
import type { SimConversation, SimMessage } from '../state.js';
import { attachImages, botContent } from '../convert.js';

const PREFIX = '/amer/v3';

function baseConversation(sim: Sim, raw: string): { conv: SimConversation; threadRoot?: string } {
  const [id, ...rest] = raw.split(';');
  const conv = sim.state.conversations.get(id!);
  if (!conv) throw new ApiError(404, 'ConversationNotFound', 'Conversation not found.');
  const m = /^messageid=(\d+)$/.exec(rest.join(';'));
  return { conv, threadRoot: m?.[1] };
}

export function registerConnectorRoutes(sim: Sim): void {
  const { front, state, auth } = sim;

  const botFor = (req: SimRequest, conv?: SimConversation): string => {
    const t = auth.check(req.headers.authorization);
    if (!t || t.audience !== 'botframework' || t.kind !== 'app') {
      throw new ApiError(401, 'Unauthorized', 'Authorization has been denied for this request.');
    }
    if (conv && (!state.installFor(conv, t.appId) || conv.tenantId !== t.tenantId)) {
      throw new ApiError(
        403,
        'BotNotInConversationRoster',
        'The bot is not part of the conversation roster.',
      );
    }
    return t.appId;
  };

  const throttle = (appId: string, conv: SimConversation): void => {
    const wait = sim.connectorRate.take(`${appId}|${conv.id}`);
    if (wait > 0) {
      throw new ApiError(
        429,
        'TooManyRequests',
        'Too many requests; retry after the given delay.',
        {
          'Retry-After': String(Math.max(1, Math.ceil(wait / 1000))),
        },
      );
    }
  };

  const activityOf = (req: SimRequest): Record<string, unknown> => {
    if (req.body.length > sim.maxActivityBytes)
      throw new ApiError(413, 'MessageSizeTooBig', 'Message size too big.');
    const a = jsonBody(req);
    if (a.type !== 'message')
      throw new ApiError(400, 'BadSyntax', `activity type ${String(a.type)} cannot be sent here`);
    return a;
  };

  const create = (
    appId: string,
    conv: SimConversation,
    a: Record<string, unknown>,
    replyTo?: string,
  ): SimMessage => {
    const content = botContent(state, a);
    if (replyTo !== undefined) {
      const root = state.messages.get(replyTo);
      if (!root || root.conversationId !== conv.id)
        throw new ApiError(404, 'ActivityNotFound', 'The thread root does not exist.');
    }
    return state.post({
      conversationId: conv.id,
      from: { kind: 'app', appId },
      html: content.html,
      mentions: content.mentions,
      attachments: content.attachments,
      replyToId: conv.kind === 'channel' ? replyTo : undefined,
      prepare: (m) => attachImages(sim, m, content.images),
    });
  };

  front.route('POST', `${PREFIX}/conversations/{conversation}/activities`, (req): SimResponse => {
    const { conv, threadRoot } = baseConversation(sim, req.params.conversation!);
    const appId = botFor(req, conv);
    const a = activityOf(req);
    throttle(appId, conv);
    const msg = create(appId, conv, a, threadRoot);
    return { status: 201, body: { id: msg.id } };
  });

  front.route(
    'POST',
    `${PREFIX}/conversations/{conversation}/activities/{activityId}`,
    (req): SimResponse => {
      const { conv } = baseConversation(sim, req.params.conversation!);
      const appId = botFor(req, conv);
      const a = activityOf(req);
      const target = state.messages.get(req.params.activityId!);
      if (!target || target.conversationId !== conv.id)
        throw new ApiError(404, 'ActivityNotFound', 'Activity not found.');
      throttle(appId, conv);
      const msg = create(appId, conv, a, target.replyToId ?? target.id);
      return { status: 201, body: { id: msg.id } };
    },
  );

  const ownMessage = (
    req: SimRequest,
  ): { appId: string; msg: SimMessage; conv: SimConversation } => {
    const { conv } = baseConversation(sim, req.params.conversation!);
    const appId = botFor(req, conv);
    const msg = state.messages.get(req.params.activityId!);
    if (!msg || msg.conversationId !== conv.id || msg.deleted)
      throw new ApiError(404, 'ActivityNotFound', 'Activity not found.');
    if (msg.from.kind !== 'app' || msg.from.appId !== appId) {
      throw new ApiError(403, 'Forbidden', 'A bot can only change its own messages.');
    }
    return { appId, msg, conv };
  };

  front.route(
    'PUT',
    `${PREFIX}/conversations/{conversation}/activities/{activityId}`,
    (req): SimResponse => {
      const { appId, msg, conv } = ownMessage(req);
      const a = activityOf(req);
      throttle(appId, conv);
      const content = botContent(state, a);
      state.edit(msg, content.html, content.mentions, content.attachments, (m) => {
        m.hostedContents.clear();
        attachImages(sim, m, content.images);
      });
      return { status: 200, body: { id: msg.id } };
    },
  );

  front.route(
    'DELETE',
    `${PREFIX}/conversations/{conversation}/activities/{activityId}`,
    (req): SimResponse => {
      const { appId, msg, conv } = ownMessage(req);
      throttle(appId, conv);
      state.softDelete(msg);
      return { status: 200 };
    },
  );

  front.route('POST', `${PREFIX}/conversations`, (req): SimResponse => {
    const p = jsonBody<{
      channelData?: { channel?: { id?: string } };
      activity?: Record<string, unknown>;
      members?: Array<{ id?: string }>;
    }>(req);
    const channelId = p.channelData?.channel?.id;
    if (channelId) {
      const { conv } = baseConversation(sim, channelId);
      const appId = botFor(req, conv);
      if (!p.activity)
        throw new ApiError(400, 'BadArgument', 'A new channel conversation needs an activity.');
      if (req.body.length > sim.maxActivityBytes)
        throw new ApiError(413, 'MessageSizeTooBig', 'Message size too big.');
      throttle(appId, conv);
      const msg = create(appId, conv, p.activity);
      return {
        status: 201,
        body: {
          id: `${conv.id};messageid=${msg.id}`,
          activityId: msg.id,
          serviceUrl: sim.serviceUrl(),
        },
      };
    }
    const appId = botFor(req);
    const member = p.members?.[0]?.id;
    const user = [...state.users.values()].find((u) => u.bfId === member || u.id === member);
    if (!user)
      throw new ApiError(
        400,
        'BadArgument',
        'A personal conversation needs one member the bot can reach.',
      );
    const existing = [...state.conversations.values()].find(
      (c) => c.kind === 'personal' && c.members.has(user.id) && state.installFor(c, appId),
    );
    const conv = existing ?? state.addPersonalChat(user.id, appId);
    return { status: 201, body: { id: conv.id, serviceUrl: sim.serviceUrl() } };
  });

  // Files users send to a bot (personal chats): the bot reads them with its own token.
  front.route('GET', `${PREFIX}/attachments/{id}/views/{view}`, (req): SimResponse => {
    botFor(req);
    const file = state.botAttachments.get(req.params.id!);
    if (!file || req.params.view !== 'original')
      throw new ApiError(404, 'NotFound', 'The attachment was not found.');
    return { status: 200, headers: { 'content-type': file.mimetype }, body: file.data };
  });

  front.route(
    'GET',
    `${PREFIX}/conversations/{conversation}/members/{member}`,
    (req): SimResponse => {
      const { conv } = baseConversation(sim, req.params.conversation!);
      botFor(req, conv);
      const user = [...state.users.values()].find(
        (u) => u.bfId === req.params.member || u.id === req.params.member,
      );
      if (!user || !state.isMember(conv, user.id)) {
        throw new ApiError(
          404,
          'MemberNotFoundInConversation',
          'The member was not found in the conversation.',
        );
      }
      return {
        status: 200,
        body: {
          id: user.bfId,
          name: user.displayName,
          aadObjectId: user.id,
          givenName: user.givenName,
          surname: user.surname,
          email: user.userPrincipalName,
          userPrincipalName: user.userPrincipalName,
          tenantId: user.tenantId,
          userRole: 'user',
        },
      };
    },
  );
}
