/** Simulator state → Microsoft Graph v1.0 JSON (chatMessage, user, channel, chat, driveItem). */
import type { Sim } from './context.js';
import type { SimConversation, SimDriveItem, SimMessage, SimUser } from './state.js';

const iso = (ms: number | undefined): string | null =>
  ms === undefined ? null : new Date(ms).toISOString();

function userIdentity(sim: Sim, userId: string, withName = true): Record<string, unknown> {
  const u = sim.state.users.get(userId);
  return {
    application: null,
    device: null,
    user: {
      '@odata.type': '#microsoft.graph.teamworkUserIdentity',
      id: userId,
      displayName: withName ? (u?.displayName ?? null) : null,
      userIdentityType: 'aadUser',
      tenantId: u?.tenantId,
    },
  };
}

export function graphMessagePath(sim: Sim, m: SimMessage): string {
  const conv = sim.state.conversation(m.conversationId);
  if (conv.kind !== 'channel') return `/chats/${conv.graphId}/messages/${m.id}`;
  const root = m.replyToId ? `${m.replyToId}/replies/${m.id}` : m.id;
  return `/teams/${conv.teamId}/channels/${conv.graphId}/messages/${root}`;
}

export function toGraphMessage(sim: Sim, m: SimMessage): Record<string, unknown> {
  const conv = sim.state.conversation(m.conversationId);
  const deleted = m.deleted !== undefined;
  const from =
    m.from.kind === 'user'
      ? userIdentity(sim, m.from.userId)
      : {
          user: null,
          device: null,
          application: {
            '@odata.type': '#microsoft.graph.teamworkApplicationIdentity',
            id: m.from.appId,
            displayName: sim.state.apps.get(m.from.appId)?.displayName ?? null,
            applicationIdentityType: 'bot',
          },
        };
  const root = m.replyToId ?? m.id;
  return {
    id: m.id,
    replyToId: m.replyToId ?? null,
    etag: String(m.modified),
    messageType: 'message',
    createdDateTime: iso(m.created),
    lastModifiedDateTime: iso(m.modified),
    lastEditedDateTime: iso(m.edited),
    deletedDateTime: iso(m.deleted),
    subject: null,
    summary: null,
    chatId: conv.kind === 'channel' ? null : conv.graphId,
    importance: 'normal',
    locale: 'en-us',
    webUrl:
      conv.kind === 'channel'
        ? `${sim.baseUrl()}/l/message/${encodeURIComponent(conv.graphId)}/${m.id}?groupId=${conv.teamId}&parentMessageId=${root}`
        : null,
    policyViolation: null,
    eventDetail: null,
    from,
    body: { contentType: 'html', content: deleted ? '' : m.html },
    channelIdentity:
      conv.kind === 'channel' ? { teamId: conv.teamId, channelId: conv.graphId } : null,
    attachments: deleted
      ? []
      : m.attachments.map((a) => ({
          ...a,
          contentUrl: a.contentUrl ?? null,
          content: a.content ?? null,
          name: a.name ?? null,
          thumbnailUrl: null,
          teamsAppId: null,
        })),
    mentions: deleted
      ? []
      : m.mentions.map((x) => ({
          id: x.id,
          mentionText: x.mentionText,
          mentioned: { ...userIdentity(sim, x.userId), conversation: null, tag: null },
        })),
    reactions: m.reactions.map((r) => ({
      reactionType: r.reactionType,
      displayName: null,
      reactionContentUrl: null,
      createdDateTime: iso(r.created),
      user: userIdentity(sim, r.userId, false),
    })),
    messageHistory: [],
  };
}

export function toGraphUser(u: SimUser): Record<string, unknown> {
  return {
    id: u.id,
    displayName: u.displayName,
    givenName: u.givenName ?? null,
    surname: u.surname ?? null,
    mail: u.userPrincipalName,
    userPrincipalName: u.userPrincipalName,
    businessPhones: [],
    jobTitle: null,
    mobilePhone: null,
    officeLocation: null,
    preferredLanguage: null,
  };
}

/** A member of a channel or chat (aadUserConversationMember). */
export function toGraphMember(conv: SimConversation, u: SimUser): Record<string, unknown> {
  return {
    '@odata.type': '#microsoft.graph.aadUserConversationMember',
    id: Buffer.from(`${conv.graphId}#${u.id}`).toString('base64'),
    roles: [],
    displayName: u.displayName,
    visibleHistoryStartDateTime: '0001-01-01T00:00:00Z',
    userId: u.id,
    email: u.userPrincipalName,
    tenantId: u.tenantId,
  };
}

export function toGraphChannel(sim: Sim, c: SimConversation): Record<string, unknown> {
  return {
    id: c.graphId,
    createdDateTime: null,
    displayName: c.displayName,
    description: c.description || null,
    email: null,
    isFavoriteByDefault: null,
    membershipType: c.membershipType ?? 'standard',
    tenantId: c.tenantId,
    webUrl: `${sim.baseUrl()}/l/channel/${encodeURIComponent(c.graphId)}/${encodeURIComponent(c.displayName)}?groupId=${c.teamId}`,
  };
}

export function toGraphChat(sim: Sim, c: SimConversation): Record<string, unknown> {
  return {
    id: c.graphId,
    topic: c.displayName || null,
    createdDateTime: null,
    lastUpdatedDateTime: null,
    chatType: c.kind === 'personal' ? 'oneOnOne' : 'group',
    webUrl: `${sim.baseUrl()}/l/chat/${encodeURIComponent(c.graphId)}/0`,
    tenantId: c.tenantId,
  };
}

export function toDriveItem(item: SimDriveItem): Record<string, unknown> {
  const base = {
    id: item.id,
    name: item.name,
    webUrl: item.webUrl,
    eTag: `"{${item.eTagGuid}},1"`,
    cTag: `"c:{${item.eTagGuid}},1"`,
    createdDateTime: new Date(item.created).toISOString(),
    lastModifiedDateTime: new Date(item.created).toISOString(),
    size: item.data.length,
    parentReference: {
      driveId: item.driveId,
      driveType: 'documentLibrary',
      id: item.parentId ?? null,
    },
  };
  return item.folder
    ? { ...base, folder: { childCount: 0 } }
    : { ...base, file: { mimeType: item.mimetype } };
}
