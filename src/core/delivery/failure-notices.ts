import type { Logger } from 'pino';
import { txnId } from '../../matrix/matrix-gateway.js';
import { errorMessage } from '../../util/errors.js';
import type { InboxPayload } from '../inbox-payload.js';
import type { TargetFailure } from './delivery.js';
import type { ConnectorRegistry } from './deps.js';
import { memberWording } from './failure-wording.js';
import { noticeSubject, type NoticeSubject } from './notice-subject.js';
import { noticeText, type NoticeBurst, type NoticeProblem } from './notices.js';
import { platformName, sideLabel } from './side-label.js';

/** Distinct side-and-reason lines a notice lists; the rest are counted. */
const MAX_LISTED_PROBLEMS = 5;

export interface NoticeTiming {
  /** A failure this soon after the previous one in the room joins its notice. */
  burstGapMs: number;
  /** A burst older than this starts a new notice, so one notice does not grow for ever. */
  maxBurstMs: number;
  /** Edits of a burst's notice are gathered for this long, then sent as one. */
  editDelayMs: number;
}

export const DEFAULT_NOTICE_TIMING: NoticeTiming = {
  burstGapMs: 60_000,
  maxBurstMs: 10 * 60_000,
  editDelayMs: 2_000,
};

/** One item that failed for good, as a room's notice tells it. */
export interface FailureReport {
  roomId: string;
  subject: NoticeSubject;
  problems: NoticeProblem[];
  /** Makes the notice's transaction id deterministic (a retried send is not doubled). */
  txnKey: string;
}

/** What a room is told about an item that failed for good on the `failures` sides. */
export function failureReport(
  inboxId: number,
  payload: InboxPayload,
  roomId: string,
  failures: TargetFailure[],
  connectors: ConnectorRegistry,
): FailureReport {
  return {
    roomId,
    subject: noticeSubject(payload, (id) => platformName(id, connectors)),
    problems: failures.map((f) => {
      const side = sideLabel(f.target, connectors);
      return { side: side.where, ...memberWording(f, side.platform) };
    }),
    txnKey: String(inboxId),
  };
}

export type SendNotice = (
  roomId: string,
  content: Record<string, unknown>,
  txn: string,
) => Promise<string>;

interface Burst extends NoticeBurst {
  roomId: string;
  startedAt: number;
  lastAt: number;
  /** The notice's event id once sent; undefined when sending it failed. */
  notice: Promise<string | undefined>;
  editTimer?: NodeJS.Timeout;
}

/**
 * Failure notices coalesced per room: the first failure of a burst gets a notice at once;
 * later ones within `burstGapMs` are gathered and the notice is edited to count them
 * (one edit per `editDelayMs` at most), so a broken platform cannot flood a room.
 */
export class FailureNotices {
  private readonly bursts = new Map<string, Burst>();

  constructor(
    private readonly send: SendNotice,
    private readonly txnSalt: string,
    private readonly log: Logger,
    private readonly timing: NoticeTiming = DEFAULT_NOTICE_TIMING,
    private readonly now: () => number = Date.now,
  ) {}

  async report(report: FailureReport): Promise<void> {
    const at = this.now();
    const open = this.bursts.get(report.roomId);
    if (
      open &&
      at - open.lastAt < this.timing.burstGapMs &&
      at - open.startedAt < this.timing.maxBurstMs
    ) {
      addTo(open, report);
      open.lastAt = at;
      this.scheduleEdit(open);
      return;
    }
    if (open) await this.sendEdit(open);
    this.forgetIdle(at);
    const burst = startBurst(report, at);
    this.bursts.set(report.roomId, burst);
    burst.notice = this.sendNotice(
      burst,
      report.subject.replyTo,
      txnId(this.txnSalt, 'notice', report.txnKey),
    );
    await burst.notice;
  }

  /** Sends every gathered edit now (at shutdown). */
  async flush(): Promise<void> {
    for (const burst of this.bursts.values()) if (burst.editTimer) await this.sendEdit(burst);
  }

  private scheduleEdit(burst: Burst): void {
    if (burst.editTimer) return;
    burst.editTimer = setTimeout(() => void this.sendEdit(burst), this.timing.editDelayMs);
    burst.editTimer.unref();
  }

  private async sendEdit(burst: Burst): Promise<void> {
    if (!burst.editTimer) return;
    clearTimeout(burst.editTimer);
    burst.editTimer = undefined;
    const original = await burst.notice;
    const text = noticeText(burst);
    if (original === undefined) {
      // The first notice never went out: say it all in a new one rather than not at all.
      burst.notice = this.sendNotice(
        burst,
        undefined,
        txnId(this.txnSalt, 'notice-again', burst.roomId, burst.count, burst.startedAt),
      );
      return;
    }
    const content = {
      msgtype: 'm.notice',
      body: `* ${text}`,
      'm.new_content': { msgtype: 'm.notice', body: text },
      'm.relates_to': { rel_type: 'm.replace', event_id: original },
    };
    await this.send(
      burst.roomId,
      content,
      txnId(this.txnSalt, 'notice-edit', original, burst.count),
    ).catch((err: unknown) =>
      this.log.error(
        { roomId: burst.roomId, err: errorMessage(err) },
        'could not update failure notice',
      ),
    );
  }

  private sendNotice(
    burst: Burst,
    replyTo: string | undefined,
    txn: string,
  ): Promise<string | undefined> {
    const content: Record<string, unknown> = { msgtype: 'm.notice', body: noticeText(burst) };
    if (replyTo) content['m.relates_to'] = { 'm.in_reply_to': { event_id: replyTo } };
    return this.send(burst.roomId, content, txn).catch((err: unknown) => {
      this.log.error(
        { roomId: burst.roomId, err: errorMessage(err) },
        'could not send failure notice',
      );
      return undefined;
    });
  }

  /** Bursts that are over and have nothing left to send are forgotten. */
  private forgetIdle(at: number): void {
    for (const [roomId, burst] of this.bursts) {
      if (!burst.editTimer && at - burst.lastAt >= this.timing.burstGapMs)
        this.bursts.delete(roomId);
    }
  }
}

function startBurst(report: FailureReport, at: number): Burst {
  const burst: Burst = {
    roomId: report.roomId,
    count: 0,
    first: report.subject,
    last: report.subject,
    problems: [],
    unlisted: 0,
    startedAt: at,
    lastAt: at,
    notice: Promise.resolve(undefined),
  };
  addTo(burst, report);
  return burst;
}

function addTo(burst: Burst, report: FailureReport): void {
  burst.count += 1;
  burst.last = report.subject;
  let listed = false;
  for (const p of report.problems) {
    const same = burst.problems.find((q) => q.side === p.side && q.reason === p.reason);
    if (same) same.count += 1;
    else if (burst.problems.length < MAX_LISTED_PROBLEMS) burst.problems.push({ ...p, count: 1 });
    else continue;
    listed = true;
  }
  if (!listed) burst.unlisted += 1;
}
