import { adapters, type PlatformAdapter } from '../../../bench/adapters/index.js';
import {
  createBridgedWorld,
  DEFAULT_RETRY,
  type BridgedWorld,
  type Homeserver,
  type WorldOptions,
} from '../../../bench/lib/world.js';
import { claimSlot, createDatabase, harness, releaseSlot } from '../../harness/index.js';
import type { AppserviceSlot } from '../../harness/synapse.js';

/** Every connector with an adapter (bench/adapters): each fault scenario runs once per connector. */
export const connectorsUnderTest: PlatformAdapter[] = adapters;

/** Messages per room per direction, rooms, and pacing shared by the scenarios. */
export const STREAM = { perRoom: 20, rooms: 2, intervalMs: 50 } as const;

/**
 * A scenario's own deadline: longer than warm-up, stream, delivery wait and closing marker
 * together, so a loss is reported as the scenario's table, not as a bare timeout.
 */
export const SCENARIO_TIMEOUT_MS = 480_000;

export interface FaultWorldOptions extends Partial<
  Pick<WorldOptions, 'bridgePort' | 'retry' | 'dataDir' | 'platform'>
> {
  /** Another homeserver and its registration (default: the shared Synapse and a claimed slot). */
  own?: { homeserver: Homeserver; slot: AppserviceSlot };
}

/**
 * A bridged world with the retry policy an operator gets by default (the scenarios check the
 * product, not a test-tuned configuration). The bridge uses a fresh database on the shared
 * PostgreSQL unless `dataDir` asks for PGlite.
 */
export async function faultWorld(
  adapter: PlatformAdapter,
  o: FaultWorldOptions = {},
): Promise<BridgedWorld> {
  const h = harness();
  const { own, ...extra } = o;
  const slot = own?.slot ?? (await claimSlot());
  const release = (): void => {
    if (!own) releaseSlot(slot);
  };
  try {
    const databaseUrl = extra.dataDir ? undefined : await createDatabase();
    const world = await createBridgedWorld({
      homeserver: own?.homeserver ?? {
        url: h.synapseUrl,
        serverName: h.serverName,
        registrationSharedSecret: h.registrationSharedSecret,
      },
      slot,
      adapter,
      rooms: STREAM.rooms,
      retry: DEFAULT_RETRY,
      databaseUrl,
      ...extra,
    });
    const close = world.close.bind(world);
    world.close = async () => {
      await close();
      release();
    };
    return world;
  } catch (err) {
    release();
    throw err;
  }
}
