/**
 * Makes a Teams post survive a crash without doubling. Neither the Bot Connector nor Graph
 * accepts a client-chosen id, so every part goes through the toolkit's SendLedger and carries
 * a hidden marker; after an interrupted attempt the conversation is read through Graph for
 * that marker before the part is posted again.
 */
import { createHash } from 'node:crypto';
import { RemoteApiError, SendLedger as CoreSendLedger } from '../../src/connector/index.js';
import type { TeamsDeps } from './deps.js';
import type { GraphMessage } from './graph.js';

/** Clock skew between this host and Teams allowed for when reading back from a pending record. */
const SKEW_MS = 60_000;

/** Where a part goes: the conversation, and in a channel the thread it replies in. */
export interface PartTarget {
  channel: string;
  root?: string;
}

/** The stable id of part `part` of the delivery `key`, carried by the posted message. */
export function markerId(key: string, part: number): string {
  return `mxb-${createHash('sha256').update(`${key}\u0000${part}`).digest('hex').slice(0, 32)}`;
}

/** The hidden marker appended to a part's HTML: an empty span, invisible in Teams. */
export function markerHtml(key: string, part: number): string {
  return `<span itemid="${markerId(key, part)}"></span>`;
}

/** Every marker in a message's HTML: readers that show the HTML itself leave them out. */
export const MARKER_HTML = /<span itemid="mxb-[0-9a-f]{32}"><\/span>/g;

/** A refusal Teams answered before storing anything (4xx): the part was certainly not posted. */
function notPosted(err: unknown): boolean {
  return (
    err instanceof RemoteApiError &&
    err.status !== undefined &&
    err.status >= 400 &&
    err.status < 500
  );
}

export class SendLedger {
  private readonly ledger: CoreSendLedger;

  constructor(private readonly d: TeamsDeps) {
    this.ledger = new CoreSendLedger(d.ctx.storage, `sent:${d.workspace}:`);
  }

  /**
   * Part `part` of delivery `key` posted once: the recorded id, or the message an uncertain
   * earlier attempt left in Teams, or the id `post` returns now.
   */
  post(
    key: string,
    part: number,
    target: PartTarget,
    post: () => Promise<string>,
  ): Promise<string> {
    const marker = markerId(key, part);
    return this.ledger.postOnce(marker, {
      post,
      recover: (startedAt) => this.recover(target, marker, startedAt),
      certainlyNotPosted: notPosted,
    });
  }

  /**
   * The message an interrupted attempt posted, if any. A transient Graph failure goes back to
   * the core (the retry looks again); when Graph cannot read the conversation at all, posting
   * again risks a duplicate but losing the message would be worse, so it is said and posted.
   */
  private async recover(
    target: PartTarget,
    marker: string,
    startedAt: number,
  ): Promise<string | undefined> {
    try {
      const since = startedAt - SKEW_MS;
      const messages = await this.read(target, since);
      if (!messages) {
        this.cannotCheck(target, 'Graph has no id for this conversation');
        return undefined;
      }
      const match = messages.find((m) => m.body.content?.includes(`"${marker}"`));
      if (match)
        this.d.log.info(
          { workspace: this.d.workspace, channel: target.channel, id: match.id },
          'an interrupted attempt had already posted this message in Teams; not posting it again',
        );
      return match?.id;
    } catch (err) {
      if (err instanceof RemoteApiError && err.retryable) throw err;
      this.cannotCheck(target, (err as Error).message);
      return undefined;
    }
  }

  private cannotCheck(target: PartTarget, reason: string): void {
    this.d.log.warn(
      { workspace: this.d.workspace, channel: target.channel, reason },
      'could not check in Teams whether an interrupted attempt posted this message; posting it again, which may show it twice (give the app ChannelMessage.Read.Group / ChatMessage.Read.Chat to prevent this)',
    );
  }

  /** Recent messages of the target's conversation or thread, or undefined when Graph has no id for it. */
  private async read(target: PartTarget, since: number): Promise<GraphMessage[] | undefined> {
    const place = await this.d.directory.place(target.channel);
    if (!place) return undefined;
    return target.root && 'teamId' in place
      ? this.d.graph.replies(place.teamId, target.channel, target.root)
      : this.d.graph.changes(place, since);
  }
}
