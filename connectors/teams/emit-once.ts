/**
 * One emission per event key and process, shared by live intake and catch-up: an event both
 * paths see (an activity that also shows in Graph) reaches the core once.
 */
import type { RemoteEvent } from '../../src/connector/index.js';
import type { TeamsDeps } from './deps.js';

/** Emits `e` unless this process already emitted its key; ctx.emit is awaited before returning. */
export async function emitOnce(d: TeamsDeps, e: RemoteEvent): Promise<void> {
  if (d.echoes.emitted.has(e.eventKey)) return;
  d.echoes.emitted.add(e.eventKey);
  try {
    await d.ctx.emit(e);
  } catch (err) {
    d.echoes.emitted.delete(e.eventKey);
    throw err;
  }
}
