/**
 * Graph reads of Teams messages: channel messages (list, delta with a lastModifiedDateTime
 * filter, one message, replies), chat messages (list with filter and order), hosted contents.
 */
import type { Sim } from '../context.js';
import { ApiError, type SimRequest, type SimResponse } from '../http.js';
import type { SimConversation, SimMessage } from '../state.js';
import { toGraphMessage } from '../graph-shapes.js';
import {
  canRead,
  channelOf,
  chatOf,
  decodeToken,
  encodeToken,
  graphToken,
  inRange,
  messageAt,
  modifiedFilter,
  notFound,
  odataLink,
  page,
  topOf,
} from '../graph-access.js';

const V = '/v1.0';

function collection(sim: Sim, req: SimRequest, items: SimMessage[], top: number): SimResponse {
  const p = page(sim, req, items, top);
  const body: Record<string, unknown> = {
    '@odata.context': `${sim.baseUrl()}${V}/$metadata#chatMessages`,
    '@odata.count': items.length,
    value: p.value.map((m) => toGraphMessage(sim, m)),
  };
  if (p.next) body['@odata.nextLink'] = p.next;
  return { status: 200, body };
}

const newestFirst = (a: SimMessage, b: SimMessage) => b.created - a.created;

export function registerGraphReadRoutes(sim: Sim): void {
  const { front, state } = sim;
  const channelRead = (req: SimRequest): SimConversation => {
    const t = graphToken(sim, req);
    const conv = channelOf(sim, req.params.team!, req.params.channel!);
    canRead(sim, t, conv);
    return conv;
  };
  const roots = (conv: SimConversation) => state.messagesIn(conv.id).filter((m) => !m.replyToId);

  front.route('GET', `${V}/teams/{team}/channels/{channel}/messages`, (req) => {
    const conv = channelRead(req);
    const list = roots(conv).sort(newestFirst);
    const res = collection(sim, req, list, topOf(req, 20, 50));
    if (req.query.get('$expand') === 'replies') {
      for (const m of (res.body as { value: Array<Record<string, unknown>> }).value) {
        m.replies = state
          .messagesIn(conv.id)
          .filter((r) => r.replyToId === m.id)
          .sort(newestFirst)
          .slice(0, 1000)
          .map((r) => toGraphMessage(sim, r));
      }
    }
    return res;
  });

  // Delta: root messages changed after the filter time (or the delta token), oldest change first.
  front.route('GET', `${V}/teams/{team}/channels/{channel}/messages/delta`, (req) => {
    const conv = channelRead(req);
    const token = decodeToken<{ since: number }>(req.query.get('$deltatoken'));
    const filter = token ? { gt: token.since } : modifiedFilter(req.query.get('$filter'));
    const list = roots(conv)
      .filter((m) => inRange(m.modified, filter))
      .sort((a, b) => a.modified - b.modified);
    const p = page(sim, req, list, topOf(req, 20, 50));
    const body: Record<string, unknown> = {
      '@odata.context': `${sim.baseUrl()}${V}/$metadata#Collection(chatMessage)`,
      value: p.value.map((m) => toGraphMessage(sim, m)),
    };
    if (p.next) body['@odata.nextLink'] = p.next;
    else {
      const newest = Math.max(filter.gt ?? 0, ...list.map((m) => m.modified));
      body['@odata.deltaLink'] = odataLink(sim, req.path, [
        ['$deltatoken', encodeToken({ since: newest })],
      ]);
    }
    return { status: 200, body };
  });

  front.route('GET', `${V}/teams/{team}/channels/{channel}/messages/{message}`, (req) => {
    const conv = channelRead(req);
    return { status: 200, body: toGraphMessage(sim, messageAt(sim, conv, req.params.message!)) };
  });

  front.route('GET', `${V}/teams/{team}/channels/{channel}/messages/{message}/replies`, (req) => {
    const conv = channelRead(req);
    const root = messageAt(sim, conv, req.params.message!);
    const filter = modifiedFilter(req.query.get('$filter'));
    const list = state
      .messagesIn(conv.id)
      .filter((m) => m.replyToId === root.id && inRange(m.modified, filter))
      .sort(newestFirst);
    return collection(sim, req, list, topOf(req, 20, 50));
  });

  front.route(
    'GET',
    `${V}/teams/{team}/channels/{channel}/messages/{message}/replies/{reply}`,
    (req) => {
      const conv = channelRead(req);
      return {
        status: 200,
        body: toGraphMessage(sim, messageAt(sim, conv, req.params.message!, req.params.reply!)),
      };
    },
  );

  const chatRead = (req: SimRequest): SimConversation => {
    const t = graphToken(sim, req);
    const conv = chatOf(sim, req.params.chat!);
    canRead(sim, t, conv);
    return conv;
  };

  front.route('GET', `${V}/chats/{chat}/messages`, (req) => {
    const conv = chatRead(req);
    const filter = modifiedFilter(req.query.get('$filter'));
    const order = req.query.get('$orderby') ?? 'createdDateTime desc';
    if (filter.gt !== undefined && order !== 'lastModifiedDateTime desc') {
      throw new ApiError(
        400,
        'BadRequest',
        '$filter on lastModifiedDateTime requires $orderby=lastModifiedDateTime desc.',
      );
    }
    const byModified = order === 'lastModifiedDateTime desc';
    if (!byModified && order !== 'createdDateTime desc')
      throw new ApiError(400, 'BadRequest', `Unsupported $orderby ${order}.`);
    const list = state
      .messagesIn(conv.id)
      .filter((m) => inRange(m.modified, filter))
      .sort((a, b) => (byModified ? b.modified - a.modified : b.created - a.created));
    return collection(sim, req, list, topOf(req, 20, 50));
  });

  front.route('GET', `${V}/chats/{chat}/messages/{message}`, (req) => {
    const conv = chatRead(req);
    const m = state.messages.get(req.params.message!);
    if (!m || m.conversationId !== conv.id) throw notFound('Message');
    return { status: 200, body: toGraphMessage(sim, m) };
  });

  const hosted = (m: SimMessage, id: string): SimResponse => {
    const hc = m.hostedContents.get(id);
    if (!hc) throw notFound('Hosted content');
    return { status: 200, headers: { 'content-type': hc.mimetype }, body: hc.data };
  };
  front.route(
    'GET',
    `${V}/teams/{team}/channels/{channel}/messages/{message}/hostedContents/{hc}/$value`,
    (req) => hosted(messageAt(sim, channelRead(req), req.params.message!), req.params.hc!),
  );
  front.route(
    'GET',
    `${V}/teams/{team}/channels/{channel}/messages/{message}/replies/{reply}/hostedContents/{hc}/$value`,
    (req) =>
      hosted(
        messageAt(sim, channelRead(req), req.params.message!, req.params.reply!),
        req.params.hc!,
      ),
  );
  front.route('GET', `${V}/chats/{chat}/messages/{message}/hostedContents/{hc}/$value`, (req) => {
    const conv = chatRead(req);
    const m = state.messages.get(req.params.message!);
    if (!m || m.conversationId !== conv.id) throw notFound('Message');
    return hosted(m, req.params.hc!);
  });
}
