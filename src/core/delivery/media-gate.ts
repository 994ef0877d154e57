/**
 * Where delivery asks the media policy about a file: a refusal is counted, logged (reason,
 * type and size; never the file's name or bytes) and written to the audit log, once per file
 * and side it was kept from.
 */
import type { Logger } from 'pino';
import type { InspectedFile, MediaPolicy } from '../../media/media-policy.js';
import { refusalDetail, type MediaRefusal } from '../../media/media-refusal.js';
import type { Crossing } from '../../media/media-rules.js';
import type { AuditStore } from '../../store/audit-store.js';
import { errorMessage } from '../../util/errors.js';
import { telemetry } from '../telemetry.js';

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
  ): Promise<MediaRefusal | undefined> {
    const refusal = await this.policy.judge(file, crossing);
    if (refusal) await this.record(refusal, crossing, context);
    return refusal;
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
