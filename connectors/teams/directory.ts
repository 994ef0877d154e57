/**
 * Where a Teams conversation lives and what it is called: a channel's team (from the stored
 * conversation reference, else by listing teams and their channels through Graph, at most
 * once per cooldown), channel and chat names, and the channel list for IT ops.
 */
import {
  type ChannelVisibility,
  type ChatInfo,
  type ErrorCode,
  isTransient,
  RemoteApiError,
} from '../../src/connector/index.js';
import type { GraphApi } from './graph.js';
import { kindOf, personalChatGraphId, type ConversationKind } from './ids.js';
import type { ConversationRefs } from './refs.js';
import { conversationVisibility } from './visibility.js';

export interface TeamsChannelInfo {
  /** The id to link in a portal (ChannelRef.channel). */
  channel: string;
  name: string;
  kind: ConversationKind;
  visibility: ChannelVisibility;
  team?: { id: string; name: string };
}

/** Where Graph finds a conversation: a channel of a team, or a chat. */
export type GraphPlace = { channel: string; teamId: string } | { channel: string; chatId: string };

/** A message of a conversation in Graph (in a channel, a reply under its thread's root). */
export function messagePath(place: GraphPlace, messageId: string, root?: string): string {
  if ('chatId' in place) return `/chats/${encodeURIComponent(place.chatId)}/messages/${messageId}`;
  const base = `/teams/${place.teamId}/channels/${encodeURIComponent(place.channel)}/messages`;
  return root && root !== messageId
    ? `${base}/${root}/replies/${messageId}`
    : `${base}/${messageId}`;
}

/** Where a new message of a conversation (or a reply in a channel thread) is posted. */
export function postPath(place: GraphPlace, root?: string): string {
  if ('chatId' in place) return `/chats/${encodeURIComponent(place.chatId)}/messages`;
  const base = `/teams/${place.teamId}/channels/${encodeURIComponent(place.channel)}/messages`;
  return root ? `${base}/${root}/replies` : base;
}

const SCAN_COOLDOWN_MS = 60_000;

export class Directory {
  private readonly teamOfChannel = new Map<string, { id: string; name: string }>();
  private scannedAt = 0;
  private scanning: Promise<TeamsChannelInfo[]> | undefined;

  constructor(
    private readonly graph: GraphApi,
    private readonly refs: ConversationRefs,
    private readonly appId: string,
  ) {}

  async teamOf(channel: string): Promise<string | undefined> {
    const ref = await this.refs.get(channel);
    if (ref?.teamId) return ref.teamId;
    const known = this.teamOfChannel.get(channel);
    if (known) return known.id;
    if (!this.scanning && Date.now() - this.scannedAt < SCAN_COOLDOWN_MS) return undefined;
    // Without Team.ReadBasic.All the scan is refused; the team is then learnt from activities.
    // A failure that may pass is thrown: "no team" would make callers skip or guess.
    await this.scan().catch((err: unknown) => {
      if (isTransient(err)) throw err;
    });
    return this.teamOfChannel.get(channel)?.id;
  }

  /** The Graph id of a chat conversation (group chats use their id; personal chats are derived). */
  async graphChatId(channel: string): Promise<string | undefined> {
    if (kindOf(channel) === 'groupChat') return channel;
    const ref = await this.refs.get(channel);
    return ref?.userId ? personalChatGraphId(ref.userId, this.appId) : undefined;
  }

  /** Where Graph reads and writes `channel`; undefined while its team or chat id is unknown. */
  async place(channel: string): Promise<GraphPlace | undefined> {
    if (kindOf(channel) !== 'channel') {
      const chatId = await this.graphChatId(channel);
      return chatId ? { channel, chatId } : undefined;
    }
    const teamId = await this.teamOf(channel);
    return teamId ? { channel, teamId } : undefined;
  }

  /** `place`, or a refusal that names what Graph does not know. */
  async requirePlace(channel: string): Promise<GraphPlace> {
    const place = await this.place(channel);
    if (place) return place;
    throw kindOf(channel) === 'channel'
      ? unknown('TEAMS_TEAM_UNKNOWN', `the team of channel ${channel} is unknown`)
      : unknown('TEAMS_CHAT_UNKNOWN', `no Graph chat id for ${channel}`);
  }

  /** Every channel of every team the app can see, plus chats the bot has heard from. */
  async listChannels(): Promise<TeamsChannelInfo[]> {
    const channels = await this.scan();
    const chats: TeamsChannelInfo[] = this.refs
      .known()
      .filter(([, r]) => r.kind !== 'channel')
      .map(([channel, r]) => ({
        channel,
        kind: r.kind,
        visibility: conversationVisibility(r.kind, undefined),
        name: r.name ?? (r.userName ? `Chat with ${r.userName}` : 'Chat'),
      }));
    return [...channels, ...chats];
  }

  async chatInfo(channel: string): Promise<ChatInfo> {
    const ref = await this.refs.get(channel);
    const kind = ref?.kind ?? kindOf(channel);
    if (kind === 'channel') {
      const teamId = await this.teamOf(channel);
      if (teamId) {
        const c = await this.graph.channel(teamId, channel);
        const visibility = conversationVisibility(kind, c.membershipType);
        return { name: c.displayName, topic: c.description ?? undefined, visibility };
      }
      // Without the team, Graph cannot say who may read it: counted as private.
      return { name: ref?.name ?? 'Teams channel', visibility: 'private' };
    }
    const visibility = conversationVisibility(kind, undefined);
    if (kind === 'groupChat') {
      const chat = await this.graph.chat(channel).catch(() => undefined);
      return { name: chat?.topic || ref?.name || 'Teams group chat', visibility };
    }
    return { name: ref?.userName ? `Chat with ${ref.userName}` : 'Teams chat', visibility };
  }

  /**
   * Whether the user with this AAD object id is a member of a channel or chat, from Graph's
   * member lists (a standard channel's members are its team's).
   */
  async hasMember(channel: string, aadUserId: string): Promise<boolean> {
    const place = await this.requirePlace(channel);
    const members =
      'chatId' in place
        ? await this.graph.chatMembers(place.chatId)
        : await this.graph.channelMembers(place.teamId, channel);
    return members.some((m) => m.userId === aadUserId);
  }

  private scan(): Promise<TeamsChannelInfo[]> {
    this.scanning ??= this.doScan().finally(() => (this.scanning = undefined));
    return this.scanning;
  }

  private async doScan(): Promise<TeamsChannelInfo[]> {
    const started = Date.now();
    try {
      const out = await this.listTeamChannels();
      this.scannedAt = started;
      return out;
    } catch (err) {
      // A refusal holds off the next scan as a success does; a passing failure does not.
      if (!isTransient(err)) this.scannedAt = started;
      throw err;
    }
  }

  private async listTeamChannels(): Promise<TeamsChannelInfo[]> {
    const out: TeamsChannelInfo[] = [];
    for (const team of await this.graph.teams()) {
      const t = { id: team.id, name: team.displayName };
      for (const c of await this.graph.channels(team.id)) {
        this.teamOfChannel.set(c.id, t);
        const visibility = conversationVisibility('channel', c.membershipType);
        out.push({ channel: c.id, name: c.displayName, kind: 'channel', visibility, team: t });
      }
    }
    return out;
  }
}

function unknown(code: ErrorCode, message: string): RemoteApiError {
  return new RemoteApiError({ message, retryable: false, code });
}
