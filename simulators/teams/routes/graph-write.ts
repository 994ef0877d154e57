/**
 * Graph writes of Teams messages, delegated only (the live rules): post to a channel, reply
 * in a thread, post to a chat, edit (PATCH) and softDelete one's own messages, and
 * setReaction/unsetReaction. App-only POST is refused unless the channel is in migration
 * mode and the app holds Teamwork.Migrate.All.
 */
import type { IssuedToken } from '../auth.js';
import type { Sim } from '../context.js';
import { ApiError, jsonBody, type SimRequest, type SimResponse } from '../http.js';
import { guid } from '../ids.js';
import type { Author, SimAttachment, SimConversation, SimMention, SimMessage } from '../state.js';
import { graphMessagePath, toGraphMessage } from '../graph-shapes.js';
import {
  canWrite,
  channelOf,
  chatOf,
  forbidden,
  graphToken,
  messageAt,
  notFound,
} from '../graph-access.js';
import { escapeHtml } from '../convert.js';

const V = '/v1.0';
const LEGACY_REACTIONS = new Set(['like', 'heart', 'laugh', 'surprised', 'sad', 'angry']);

interface PostBody {
  body?: { contentType?: string; content?: string };
  mentions?: Array<{ id?: number; mentionText?: string; mentioned?: { user?: { id?: string } } }>;
  attachments?: Array<{
    id?: string;
    contentType?: string;
    contentUrl?: string;
    name?: string;
    content?: string;
  }>;
  hostedContents?: Array<{
    '@microsoft.graph.temporaryId'?: string;
    contentBytes?: string;
    contentType?: string;
  }>;
  createdDateTime?: string;
  from?: { user?: { id?: string } };
}

const bad = (message: string) => new ApiError(400, 'BadRequest', message);

function parseContent(
  sim: Sim,
  p: PostBody,
): { html: string; mentions: SimMention[]; attachments: SimAttachment[] } {
  const content = p.body?.content;
  if (typeof content !== 'string') throw bad('body.content is required.');
  let html = p.body?.contentType === 'html' ? content : escapeHtml(content);
  const mentions: SimMention[] = [];
  for (const m of p.mentions ?? []) {
    const userId = m.mentioned?.user?.id;
    if (typeof m.id !== 'number' || !userId || !sim.state.users.has(userId))
      throw bad('Each mention needs an id and a mentioned user of the tenant.');
    if (!html.includes(`<at id="${m.id}">`))
      throw bad(`Mention ${m.id} is not referenced from the body.`);
    mentions.push({ id: m.id, mentionText: m.mentionText ?? '', userId });
  }
  if (
    /<at id="(\d+)">/.test(html) &&
    [...html.matchAll(/<at id="(\d+)">/g)].some((x) => !mentions.some((m) => m.id === Number(x[1])))
  ) {
    throw bad('An <at> tag has no matching entry in mentions.');
  }
  const attachments: SimAttachment[] = [];
  for (const a of p.attachments ?? []) {
    if (!a.id || !html.includes(`<attachment id="${a.id}"></attachment>`))
      throw bad('Each attachment must be referenced from the body with <attachment id="…">.');
    if (a.contentType === 'reference') {
      const item = [...sim.state.driveItems.values()].find((i) => i.webUrl === a.contentUrl);
      if (!item || item.eTagGuid.toLowerCase() !== a.id.toLowerCase())
        throw bad(
          'The reference attachment does not point at a file in SharePoint or OneDrive (id must be the driveItem eTag GUID).',
        );
      attachments.push({
        id: a.id,
        contentType: 'reference',
        contentUrl: item.webUrl,
        name: a.name ?? item.name,
      });
    } else {
      attachments.push({
        id: a.id,
        contentType: a.contentType ?? 'application/octet-stream',
        content: a.content,
        contentUrl: a.contentUrl,
        name: a.name,
      });
    }
  }
  html = html.replace(/\s+$/, '');
  return { html, mentions, attachments };
}

function hostedFrom(p: PostBody): Array<{ temp: string; data: Buffer; mimetype: string }> {
  return (p.hostedContents ?? []).map((h) => {
    if (!h['@microsoft.graph.temporaryId'] || !h.contentBytes || !h.contentType)
      throw bad('hostedContents need a temporaryId, contentBytes and contentType.');
    return {
      temp: h['@microsoft.graph.temporaryId'],
      data: Buffer.from(h.contentBytes, 'base64'),
      mimetype: h.contentType,
    };
  });
}

export function registerGraphWriteRoutes(sim: Sim): void {
  const { front, state } = sim;

  const create = (
    req: SimRequest,
    t: IssuedToken,
    conv: SimConversation,
    replyTo?: SimMessage,
  ): SimResponse => {
    canWrite(sim, t, conv, 'post');
    const p = jsonBody<PostBody>(req);
    const { html, mentions, attachments } = parseContent(sim, p);
    const hosted = hostedFrom(p);
    let from: Author;
    let created: number | undefined;
    if (t.kind === 'app') {
      // Import mode: the app writes history on behalf of the original author.
      const userId = p.from?.user?.id;
      if (!userId || !state.users.has(userId)) throw bad('Imported messages need from.user.id.');
      from = { kind: 'user', userId };
      created = p.createdDateTime ? Date.parse(p.createdDateTime) : undefined;
    } else {
      from = { kind: 'user', userId: t.userId! };
    }
    const msg = state.post({
      conversationId: conv.id,
      from,
      html,
      mentions,
      attachments,
      replyToId: replyTo?.id,
      created,
      prepare: (m) => {
        for (const h of hosted) {
          const id = guid().replace(/-/g, '');
          m.hostedContents.set(id, { data: h.data, mimetype: h.mimetype });
          const src = `${sim.baseUrl()}${V}${graphMessagePath(sim, m)}/hostedContents/${id}/$value`;
          m.html = m.html.split(`../hostedContents/${h.temp}/$value`).join(src);
        }
      },
    });
    return { status: 201, body: toGraphMessage(sim, msg) };
  };

  const change = (
    req: SimRequest,
    t: IssuedToken,
    conv: SimConversation,
    msg: SimMessage,
  ): SimResponse => {
    canWrite(sim, t, conv, 'change');
    if (msg.deleted) throw notFound('Message');
    if (msg.from.kind !== 'user' || msg.from.userId !== t.userId)
      throw forbidden('Only the author can edit a message.');
    const p = jsonBody<PostBody>(req);
    const { html, mentions, attachments } = parseContent(sim, { ...p, mentions: p.mentions ?? [] });
    state.edit(msg, html, mentions, p.attachments ? attachments : undefined);
    return { status: 204 };
  };

  const softDelete = (t: IssuedToken, conv: SimConversation, msg: SimMessage): SimResponse => {
    canWrite(sim, t, conv, 'change');
    if (msg.deleted) throw notFound('Message');
    if (msg.from.kind !== 'user' || msg.from.userId !== t.userId)
      throw forbidden('Only the author can delete a message.');
    state.softDelete(msg);
    return { status: 204 };
  };

  const reaction = (
    req: SimRequest,
    t: IssuedToken,
    conv: SimConversation,
    msg: SimMessage,
    set: boolean,
  ): SimResponse => {
    canWrite(sim, t, conv, 'react');
    if (msg.deleted) throw notFound('Message');
    const { reactionType } = jsonBody<{ reactionType?: string }>(req);
    if (
      typeof reactionType !== 'string' ||
      !(LEGACY_REACTIONS.has(reactionType) || /^\p{Extended_Pictographic}/u.test(reactionType)) ||
      reactionType.length > 16
    ) {
      throw bad(
        'reactionType must be a unicode emoji or one of like, heart, laugh, surprised, sad, angry.',
      );
    }
    if (set) state.react(msg, t.userId!, reactionType);
    else state.unreact(msg, t.userId!, reactionType);
    return { status: 204 };
  };

  const channel = (req: SimRequest) => channelOf(sim, req.params.team!, req.params.channel!);
  const chat = (req: SimRequest) => chatOf(sim, req.params.chat!);
  const chatMessage = (conv: SimConversation, id: string): SimMessage => {
    const m = state.messages.get(id);
    if (!m || m.conversationId !== conv.id) throw notFound('Message');
    return m;
  };
  const C = `${V}/teams/{team}/channels/{channel}/messages`;

  front.route('POST', C, (req) => create(req, graphToken(sim, req), channel(req)));
  front.route('POST', `${C}/{message}/replies`, (req) => {
    const conv = channel(req);
    return create(req, graphToken(sim, req), conv, messageAt(sim, conv, req.params.message!));
  });
  front.route('POST', `${V}/chats/{chat}/messages`, (req) =>
    create(req, graphToken(sim, req), chat(req)),
  );

  front.route('PATCH', `${C}/{message}`, (req) => {
    const conv = channel(req);
    return change(req, graphToken(sim, req), conv, messageAt(sim, conv, req.params.message!));
  });
  front.route('PATCH', `${C}/{message}/replies/{reply}`, (req) => {
    const conv = channel(req);
    return change(
      req,
      graphToken(sim, req),
      conv,
      messageAt(sim, conv, req.params.message!, req.params.reply!),
    );
  });
  front.route('PATCH', `${V}/chats/{chat}/messages/{message}`, (req) => {
    const conv = chat(req);
    return change(req, graphToken(sim, req), conv, chatMessage(conv, req.params.message!));
  });

  front.route('POST', `${C}/{message}/softDelete`, (req) => {
    const conv = channel(req);
    return softDelete(graphToken(sim, req), conv, messageAt(sim, conv, req.params.message!));
  });
  front.route('POST', `${C}/{message}/replies/{reply}/softDelete`, (req) => {
    const conv = channel(req);
    return softDelete(
      graphToken(sim, req),
      conv,
      messageAt(sim, conv, req.params.message!, req.params.reply!),
    );
  });
  front.route('POST', `${V}/users/{user}/chats/{chat}/messages/{message}/softDelete`, (req) => {
    const conv = chat(req);
    const t = graphToken(sim, req);
    if (t.kind === 'delegated' && req.params.user !== t.userId && req.params.user !== 'me')
      throw forbidden('Users can only delete through their own chats.');
    return softDelete(t, conv, chatMessage(conv, req.params.message!));
  });

  for (const [verb, set] of [
    ['setReaction', true],
    ['unsetReaction', false],
  ] as const) {
    front.route('POST', `${C}/{message}/${verb}`, (req) => {
      const conv = channel(req);
      return reaction(
        req,
        graphToken(sim, req),
        conv,
        messageAt(sim, conv, req.params.message!),
        set,
      );
    });
    front.route('POST', `${C}/{message}/replies/{reply}/${verb}`, (req) => {
      const conv = channel(req);
      return reaction(
        req,
        graphToken(sim, req),
        conv,
        messageAt(sim, conv, req.params.message!, req.params.reply!),
        set,
      );
    });
    front.route('POST', `${V}/chats/{chat}/messages/{message}/${verb}`, (req) => {
      const conv = chat(req);
      return reaction(req, graphToken(sim, req), conv, chatMessage(conv, req.params.message!), set);
    });
  }
}
