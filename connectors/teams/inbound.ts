/**
 * Verified activities → RemoteEvents. Stores the conversation reference first (so the bridge
 * can answer proactively), drops what the bridge itself caused, and emits each change once,
 * keyed as the Graph catch-up keys it (events.ts). The core holds a live event until its
 * conversation's catch-up is recorded, so it never overtakes what came before it.
 */
import {
  BridgeError,
  ChannelSerializer,
  type LinkedChannel,
  type RemoteEvent,
} from '../../src/connector/index.js';
import { activityTime, MESSAGE_TYPES, type TeamsActivity } from './activity.js';
import { trustedServiceUrl } from './config.js';
import { activityContent } from './content.js';
import type { TeamsDeps } from './deps.js';
import {
  deleteEvent,
  deleteKey,
  editEvent,
  messageEvent,
  reactionEvent,
  type ChangeOf,
} from './events.js';
import type { GraphCatchUp } from './history.js';
import { kindOf, splitConversationId, type ConversationKind } from './ids.js';

export class UntrustedServiceUrl extends BridgeError {
  constructor(url: string) {
    super(
      'TEAMS_SERVICE_URL_UNTRUSTED',
      `serviceUrl host ${safeHost(url)} is not in connectors.teams.service_url_hosts`,
    );
  }
}

function safeHost(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '(invalid)';
  }
}

const KINDS: Record<string, ConversationKind> = {
  channel: 'channel',
  groupChat: 'groupChat',
  personal: 'personal',
};

export class Inbound {
  /** Activities of one conversation are emitted one after the other, in arrival order. */
  private readonly serial = new ChannelSerializer();

  constructor(
    private readonly d: TeamsDeps,
    private readonly catchup: GraphCatchUp,
  ) {}

  async handle(a: TeamsActivity): Promise<void> {
    if (!trustedServiceUrl(a.serviceUrl, this.d.config.service_url_hosts))
      throw new UntrustedServiceUrl(a.serviceUrl);
    const { channel, root } = splitConversationId(a.conversation.id);
    await this.rememberConversation(a, channel);
    const log = this.d.log.child({ channel });
    if (!MESSAGE_TYPES.has(a.type)) {
      log.debug({ type: a.type }, 'ignoring activity type');
      return;
    }
    const userId = a.from?.aadObjectId;
    if (!userId || a.from?.id === a.recipient?.id) {
      log.debug({ type: a.type }, 'ignoring an activity not from a user');
      return;
    }
    this.d.members.noteName(userId, a.from?.name);
    const link = await this.linkOf(channel);
    if (!link) return;
    if (a.type === 'message' && (await this.isOwnMessage(channel, a.id!))) return;
    // Until it is recorded, catch-up reads leave out what happened after it.
    const release = this.catchup.live.hold(channel, activityTime(a));
    try {
      const events = await this.events(a, channel, root, userId);
      await this.serial.run(channel, () => this.emitAll(link, events));
    } catch (err) {
      release();
      // Refused (the caller answers 500): the catch-up emits it from Graph before anything newer.
      this.catchup.owe(channel, activityTime(a));
      throw err;
    }
    release();
    if (a.type === 'message' && root && root !== a.id) await this.d.threads.remember(a.id!, root);
  }

  /** Emits each event this process has not emitted yet; reactions are noted for snapshots. */
  private async emitAll(link: LinkedChannel, events: RemoteEvent[]): Promise<void> {
    const emitted = this.d.echoes.emitted;
    for (const e of events) {
      if (!emitted.has(e.eventKey)) {
        emitted.add(e.eventKey);
        await this.d.ctx.emit(e).catch((err: unknown) => {
          emitted.delete(e.eventKey);
          throw err;
        });
      }
      if (e.kind === 'reaction' || e.kind === 'reaction_remove') {
        const entry = { user: e.sender.userId, reaction: reactionTypeOf(e.eventKey) };
        await this.d.reactions.note(link, e.messageId, entry, e.kind === 'reaction');
      }
    }
  }

  private async events(
    a: TeamsActivity,
    channel: string,
    root: string | undefined,
    userId: string,
  ): Promise<RemoteEvent[]> {
    const id = a.id!;
    const at: ChangeOf = {
      workspace: this.d.workspace,
      channel,
      messageId: id,
      ts: activityTime(a),
    };
    const eventType = a.channelData?.eventType;
    // Delivered late (redelivered after an outage), after the catch-up passed on its deletion.
    if (a.type !== 'messageReaction' && this.d.echoes.emitted.has(deleteKey(id))) return [];
    switch (a.type) {
      case 'message': {
        const threadRoot = kindOf(channel) === 'channel' && root && root !== id ? root : undefined;
        return [
          messageEvent(at, userId, await activityContent(this.d, a, channel, root), threadRoot),
        ];
      }
      case 'messageUpdate':
        if (eventType && eventType !== 'editMessage') return [];
        if (this.d.echoes.messages.has(id) || this.d.echoes.isOwnEdit(id, at.ts)) return [];
        return [editEvent(at, userId, await activityContent(this.d, a, channel, root))];
      case 'messageDelete':
        if (this.d.echoes.messages.has(id) || this.d.echoes.isOwnDelete(id)) return [];
        return [deleteEvent(at)];
      default:
        return this.reactionEvents(a, { ...at, messageId: a.replyToId! }, userId);
    }
  }

  /** The reactions an activity adds and removes, less those the bridge made itself. */
  private reactionEvents(a: TeamsActivity, at: ChangeOf, userId: string): RemoteEvent[] {
    const out: RemoteEvent[] = [];
    for (const [list, added] of [
      [a.reactionsAdded, true],
      [a.reactionsRemoved, false],
    ] as const) {
      for (const r of list ?? []) {
        if (typeof r.type !== 'string' || r.type === '') continue;
        if (this.d.echoes.isOwnReaction(at.messageId, userId, r.type)) continue;
        out.push(reactionEvent(at, userId, r.type, added));
      }
    }
    return out;
  }

  /** A message the bridge posted as a linked user comes back as that user's activity: skip it. */
  private async isOwnMessage(channel: string, id: string): Promise<boolean> {
    if (this.d.echoes.messages.has(id)) return true;
    await this.d.echoes.settled(channel);
    return this.d.echoes.messages.has(id);
  }

  private async linkOf(channel: string): Promise<LinkedChannel | undefined> {
    return (await this.d.ctx.linkedChannels()).find(
      (c) => c.workspace === this.d.workspace && c.channel === channel,
    );
  }

  private async rememberConversation(a: TeamsActivity, channel: string): Promise<void> {
    const kind = KINDS[a.conversation.conversationType ?? ''] ?? kindOf(channel);
    await this.d.refs.remember(channel, {
      serviceUrl: a.serviceUrl,
      kind,
      teamId: a.channelData?.team?.aadGroupId,
      name: kind === 'channel' ? a.channelData?.channel?.name : a.conversation.name,
      userId: kind === 'personal' ? a.from?.aadObjectId : undefined,
      userName: kind === 'personal' ? a.from?.name : undefined,
    });
  }
}

/** The Teams reaction type inside a reaction event key (`react:{msg}:{user}:{type}:{ms}`). */
function reactionTypeOf(eventKey: string): string {
  const parts = eventKey.split(':');
  return parts.slice(3, -1).join(':');
}
