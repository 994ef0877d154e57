/**
 * Verified activities → RemoteEvents. Stores the conversation reference first (so the bridge
 * can answer proactively), drops what the bridge itself caused, and emits each change once:
 * event keys are the same whether a change arrives live or through catch-up
 * (`msg:{id}`, `edit:{id}:{ms}`, `del:{id}`, `react|unreact:{id}:{user}:{type}:{ms}`).
 */
import { BridgeError, type LinkedChannel, type RemoteEvent } from '../../src/connector/index.js';
import { activityTime, type TeamsActivity } from './activity.js';
import { trustedServiceUrl } from './config.js';
import { activityContent } from './content.js';
import type { TeamsDeps } from './deps.js';
import { emitOnce } from './emit-once.js';
import { teamsReactionToKey } from './format/index.js';
import type { CatchUp } from './history.js';
import { kindOf, splitConversationId, type ConversationKind } from './ids.js';
import type { KeyedLock } from './locks.js';

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
  /**
   * When the bridge began accepting activities (set by the connector): what happened in a
   * conversation before then is caught up before its first live activity is emitted.
   */
  acceptedAt: number | undefined;

  constructor(
    private readonly d: TeamsDeps,
    private readonly locks: KeyedLock,
    private readonly catchup: CatchUp,
  ) {}

  async handle(a: TeamsActivity): Promise<void> {
    if (!trustedServiceUrl(a.serviceUrl, this.d.config.service_url_hosts))
      throw new UntrustedServiceUrl(a.serviceUrl);
    const { channel, root } = splitConversationId(a.conversation.id);
    await this.rememberConversation(a, channel);
    const log = this.d.log.child({ workspace: this.d.workspace, channel });
    if (!['message', 'messageUpdate', 'messageDelete', 'messageReaction'].includes(a.type)) {
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
    try {
      await this.emitInOrder(a, link, root, userId);
    } catch (err) {
      // Refused (the caller answers 500): the catch-up emits it from Graph before anything newer.
      this.catchup.owe(channel, activityTime(a));
      throw err;
    }
    if (a.type === 'message' && root && root !== a.id) await this.d.threads.remember(a.id!, root);
  }

  /** Emits an activity's changes once whatever came before it in its conversation is out. */
  private async emitInOrder(
    a: TeamsActivity,
    link: LinkedChannel,
    root: string | undefined,
    userId: string,
  ): Promise<void> {
    const channel = link.channel;
    const until = Math.max(this.acceptedAt ?? 0, this.catchup.owedUntil(channel));
    if (until > 0) await this.catchup.cover(link, until);
    const events = await this.events(a, channel, root, userId);
    await this.locks.run(channel, async () => {
      for (const e of events) {
        await emitOnce(this.d, e);
        if (e.kind === 'reaction' || e.kind === 'reaction_remove') {
          const entry = { user: e.sender.userId, reaction: reactionTypeOf(e.eventKey) };
          const ref = { workspace: this.d.workspace, channel };
          await this.d.reactions.note(ref, e.messageId, entry, e.kind === 'reaction');
        }
      }
    });
  }

  private async events(
    a: TeamsActivity,
    channel: string,
    root: string | undefined,
    userId: string,
  ): Promise<RemoteEvent[]> {
    const base = { workspace: this.d.workspace, channel, ts: activityTime(a) };
    const id = a.id!;
    const eventType = a.channelData?.eventType;
    switch (a.type) {
      case 'message':
        return [
          {
            ...base,
            kind: 'message',
            eventKey: `msg:${id}`,
            messageId: id,
            sender: { userId },
            content: await activityContent(this.d, a, channel, root),
            threadRoot: kindOf(channel) === 'channel' && root && root !== id ? root : undefined,
          },
        ];
      case 'messageUpdate':
        if (eventType && eventType !== 'editMessage') return [];
        if (this.d.echoes.messages.has(id) || this.d.echoes.isOwnEdit(id, base.ts)) return [];
        return [
          {
            ...base,
            kind: 'edit',
            eventKey: `edit:${id}:${base.ts}`,
            messageId: id,
            sender: { userId },
            content: await activityContent(this.d, a, channel, root),
          },
        ];
      case 'messageDelete':
        if (this.d.echoes.messages.has(id) || this.d.echoes.isOwnDelete(id)) return [];
        return [{ ...base, kind: 'delete', eventKey: `del:${id}`, messageId: id }];
      default: {
        const target = a.replyToId!;
        const out: RemoteEvent[] = [];
        for (const [list, kind] of [
          [a.reactionsAdded, 'reaction'],
          [a.reactionsRemoved, 'reaction_remove'],
        ] as const) {
          for (const r of list ?? []) {
            if (
              typeof r.type !== 'string' ||
              r.type === '' ||
              this.d.echoes.isOwnReaction(target, userId, r.type)
            )
              continue;
            const tag = kind === 'reaction' ? 'react' : 'unreact';
            out.push({
              ...base,
              kind,
              eventKey: `${tag}:${target}:${userId}:${r.type}:${base.ts}`,
              messageId: target,
              sender: { userId },
              key: teamsReactionToKey(r.type),
            });
          }
        }
        return out;
      }
    }
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
