/**
 * The activities Teams POSTs to a bot, built from the simulator's changes: message,
 * messageUpdate (editMessage), messageDelete (softDeleteMessage), messageReaction and
 * conversationUpdate on install. Channel activities carry `19:…@thread.tacv2;messageid={root}`
 * as conversation id; mentions are `<at>Name</at>` in the text with mention entities.
 */
import type { Sim } from './context.js';
import type { Change, SimConversation, SimMessage } from './state.js';
import { guid } from './ids.js';

export type Activity = Record<string, unknown> & { type: string; id: string };

const iso = (ms: number) => new Date(ms).toISOString();

function conversationAccount(
  sim: Sim,
  conv: SimConversation,
  root?: string,
): Record<string, unknown> {
  const type =
    conv.kind === 'channel' ? 'channel' : conv.kind === 'group' ? 'groupChat' : 'personal';
  const account: Record<string, unknown> = {
    isGroup: conv.kind !== 'personal',
    conversationType: type,
    tenantId: conv.tenantId,
    id: conv.kind === 'channel' && root ? `${conv.id};messageid=${root}` : conv.id,
  };
  if (conv.kind === 'group' && conv.displayName) account.name = conv.displayName;
  return account;
}

function channelData(sim: Sim, conv: SimConversation, eventType?: string): Record<string, unknown> {
  const data: Record<string, unknown> = { tenant: { id: conv.tenantId } };
  if (conv.teamId) {
    const team = sim.state.team(conv.teamId);
    data.teamsChannelId = conv.id;
    data.teamsTeamId = team.internalId;
    data.channel = { id: conv.id, name: conv.displayName };
    data.team = { id: team.internalId, name: team.displayName, aadGroupId: team.id };
  }
  if (eventType) data.eventType = eventType;
  return data;
}

function base(
  sim: Sim,
  appId: string,
  conv: SimConversation,
  userId: string | undefined,
  type: string,
  id: string,
  at: number,
  root?: string,
): Activity {
  const user = userId ? sim.state.users.get(userId) : undefined;
  return {
    type,
    id,
    timestamp: iso(at),
    localTimestamp: iso(at),
    serviceUrl: sim.serviceUrl(),
    channelId: 'msteams',
    from: user
      ? { id: user.bfId, name: user.displayName, aadObjectId: user.id }
      : { id: 'unknown' },
    conversation: conversationAccount(sim, conv, root),
    recipient: { id: sim.state.botId(appId), name: sim.state.apps.get(appId)?.displayName },
    channelData: channelData(sim, conv),
    locale: 'en-US',
  };
}

/** Graph-form body (`<at id="N">`) → Bot Framework form (`<at>`) with mention entities. */
function botText(
  sim: Sim,
  m: SimMessage,
): { text: string; entities: Array<Record<string, unknown>> } {
  const entities: Array<Record<string, unknown>> = [];
  const text = m.html.replace(/<at id="(\d+)">(.*?)<\/at>/g, (_all, id: string, inner: string) => {
    const mention = m.mentions.find((x) => x.id === Number(id));
    const user = mention ? sim.state.users.get(mention.userId) : undefined;
    if (user)
      entities.push({
        type: 'mention',
        text: `<at>${inner}</at>`,
        mentioned: { id: user.bfId, name: user.displayName },
      });
    return `<at>${inner}</at>`;
  });
  entities.push({
    type: 'clientInfo',
    locale: 'en-US',
    country: 'US',
    platform: 'Web',
    timezone: 'Europe/Berlin',
  });
  return { text, entities };
}

/** The activity (if any) that `change` produces for the bot `appId`. */
export function activityFor(sim: Sim, appId: string, change: Change): Activity | undefined {
  if (change.kind === 'installed') {
    const conv = change.conversation;
    const someone = conv.teamId
      ? [...sim.state.team(conv.teamId).members][0]
      : [...conv.members][0];
    const a = base(sim, appId, conv, someone, 'conversationUpdate', `f:${guid()}`, change.at);
    a.membersAdded = [{ id: sim.state.botId(appId) }];
    a.channelData = channelData(sim, conv, conv.teamId ? 'teamMemberAdded' : undefined);
    return a;
  }
  const m = change.message;
  const conv = sim.state.conversation(m.conversationId);
  const author = m.from.kind === 'user' ? m.from.userId : undefined;
  const root = m.replyToId ?? m.id;
  switch (change.kind) {
    case 'message':
    case 'edit': {
      if (!author) return undefined;
      const type = change.kind === 'message' ? 'message' : 'messageUpdate';
      const a = base(sim, appId, conv, author, type, m.id, change.at, root);
      const { text, entities } = botText(sim, m);
      Object.assign(a, {
        textFormat: 'plain',
        text,
        entities,
        attachments: [{ contentType: 'text/html', content: `<div>${m.html}</div>` }],
      });
      if (m.replyToId) a.replyToId = m.replyToId;
      if (change.kind === 'edit') a.channelData = channelData(sim, conv, 'editMessage');
      return a;
    }
    case 'delete': {
      if (!author) return undefined;
      const a = base(sim, appId, conv, author, 'messageDelete', m.id, change.at, root);
      a.channelData = channelData(sim, conv, 'softDeleteMessage');
      return a;
    }
    case 'reaction':
    case 'unreaction': {
      const a = base(
        sim,
        appId,
        conv,
        change.userId,
        'messageReaction',
        `r:${guid()}`,
        change.at,
        root,
      );
      a.replyToId = m.id;
      a[change.kind === 'reaction' ? 'reactionsAdded' : 'reactionsRemoved'] = [
        { type: change.reactionType },
      ];
      return a;
    }
  }
}
