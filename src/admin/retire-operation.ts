/**
 * The audited way in to retiring a channel (retirement.ts), shared by the provisioning API,
 * admin-room commands and the CLI through AdminOperations, and the scheduled unlink at the end
 * of a grace period, audited with path `schedule`.
 */
import type { Logger } from 'pino';
import type { RemoteChannelKey } from '../store/index.js';
import { errorMessage } from '../util/errors.js';
import { actorName, type Actor } from './actor.js';
import type { AdminOperations } from './operations.js';
import type { ChannelRetirement, RetireResult } from './retirement.js';

export { ChannelRetirement, type RetireResult } from './retirement.js';

/** Retires `key` for `actor`; with no grace period, the channel is unlinked at once. */
export async function retireChannel(
  ops: AdminOperations,
  retirement: ChannelRetirement,
  actor: Actor,
  key: RemoteChannelKey,
  graceDays: number,
  log: Logger,
): Promise<RetireResult> {
  await ops.authorize(actor, 'retire', key);
  let target: RemoteChannelKey & { roomId?: string } = key;
  let result: RetireResult;
  try {
    target = { ...key, roomId: retirement.roomOf(key).roomId };
    result = await retirement.retire(key, graceDays, actorName(actor));
  } catch (err) {
    throw await ops.failed(actor, 'retire', target, err);
  }
  const until = new Date(result.retireUntil).toISOString();
  const detail = result.already ? `already retired, until ${until}` : `until ${until}`;
  await ops.record(actor, 'retire', 'ok', target, detail);
  log.info({ ...target, until, actor: actorName(actor) }, 'channel retired');
  if (!result.already && graceDays === 0) await sweepRetirements(ops, retirement, log);
  return result;
}

/** Unlinks the retired channels whose grace period has ended, each audited. */
export async function sweepRetirements(
  ops: AdminOperations,
  retirement: ChannelRetirement,
  log: Logger,
): Promise<void> {
  try {
    for (const key of await retirement.sweep()) {
      await ops.writeAudit({
        actor: 'retirement',
        path: 'schedule',
        action: 'unlink',
        outcome: 'ok',
        ...key,
        detail: 'grace period ended',
      });
    }
  } catch (err) {
    // The next sweep tries again: the due links are still stored.
    log.error({ err: errorMessage(err) }, 'could not unlink the retired channels');
  }
}
