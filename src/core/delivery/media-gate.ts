/**
 * Where delivery asks the media policy about a file: a refusal is counted, logged (reason,
 * type and size; never the file's name or bytes) and written to the audit log, once per file
 * and side it was kept from: a retried item finds the refusal in its marks and is neither
 * judged (scanned) nor audited again.
 */
import type { Logger } from 'pino';
import type { InspectedFile, MediaPolicy } from '../../media/media-policy.js';
import { refusalDetail, type MediaRefusal } from '../../media/media-refusal.js';
import type { Crossing } from '../../media/media-rules.js';
import type { AuditStore } from '../../store/audit-store.js';
import { errorMessage } from '../../util/errors.js';
import { telemetry } from '../telemetry.js';
import type { RefusalMarks } from './refusal-marks.js';

/** The type of a file refused before it was read (declared over every limit). */
export const UNREAD_TYPE = 'unread';

/** Which file of which inbox item is judged for which side: a refusal is recorded once. */
export interface RefusalOnce {
  marks: RefusalMarks;
  side: string;
  /** The file's position among the message's attachments. */
  file: number;
}

/** Who sent the file and where it was going, for the audit log. */
export interface RefusalContext {
  /** The Matrix user id, or `connector/workspace/user` of a platform sender. */
  sender: string;
  roomId: string;
  /** The platform side involved (the target, or the source for files to Matrix). */
  connector?: string;
  workspace?: string;
  channel?: string;
}

export class MediaGate {
  constructor(
    readonly policy: MediaPolicy,
    private readonly audit: AuditStore,
    private readonly log: Logger,
  ) {}

  inspect(bytes: Buffer): InspectedFile {
    return this.policy.inspect(bytes);
  }

  /** Why `file` may not make this crossing (recorded), or undefined when it may. */
  async check(
    file: InspectedFile,
    crossing: Crossing,
    context: RefusalContext,
    once?: RefusalOnce,
  ): Promise<MediaRefusal | undefined> {
    const earlier = once?.marks.find(once.side, once.file);
    if (earlier) return earlier.refusal;
    const refusal = await this.policy.judge(file, crossing);
    if (refusal) await this.refused(refusal, crossing, context, once);
    return refusal;
  }

  /**
   * A file larger than every limit of the policy, by its declared or downloaded size: it is
   * refused unread (its type is unknown), and recorded like any refusal.
   */
  async oversize(
    size: number,
    crossing: Crossing,
    context: RefusalContext,
    once?: RefusalOnce,
  ): Promise<MediaRefusal> {
    const earlier = once?.marks.find(once.side, once.file);
    if (earlier) return earlier.refusal;
    const limit = this.policy.limitFor(crossing);
    const refusal: MediaRefusal = { reason: 'too_large', type: UNREAD_TYPE, size, limit };
    await this.refused(refusal, crossing, context, once);
    return refusal;
  }

  private async refused(
    refusal: MediaRefusal,
    crossing: Crossing,
    context: RefusalContext,
    once: RefusalOnce | undefined,
  ): Promise<void> {
    await this.record(refusal, crossing, context);
    once?.marks.record(once.side, once.file, refusal);
  }

  private async record(
    refusal: MediaRefusal,
    crossing: Crossing,
    context: RefusalContext,
  ): Promise<void> {
    telemetry().mediaRefused(refusal.reason, crossing.direction);
    const detail = `${refusalDetail(refusal)} direction=${crossing.direction}`;
    this.log.warn(
      { roomId: context.roomId, connector: context.connector, detail },
      'file refused by the media policy',
    );
    await this.audit
      .record({
        actor: context.sender,
        path: 'delivery',
        action: 'media_refused',
        outcome: 'denied',
        roomId: context.roomId,
        connector: context.connector,
        workspace: context.workspace,
        channel: context.channel,
        detail,
      })
      .catch((err: unknown) =>
        // The refusal stands; only its record is missing, which the operator must know.
        this.log.error({ err: errorMessage(err), detail }, 'could not audit a media refusal'),
      );
  }
}
