import type { ConnectionStates } from '../core/connection-states.js';
import type { AdminQueries } from '../store/admin-queries.js';
import type { EncryptedPortalHealth } from './encrypted-portals.js';
import { errorMessage } from '../util/errors.js';

const CHECK_TIMEOUT_MS = 5_000;

export interface Readiness {
  ready: boolean;
  database: { ok: boolean; error?: string };
  homeserver: { ok: boolean; error?: string };
  connectors: Array<{ connector: string; workspace: string; status: string; error?: string }>;
  /** Portal rooms turned encrypted: their messages from Matrix no longer cross. */
  encrypted_portals: EncryptedPortalHealth[];
}

function timeout(ms: number): Promise<never> {
  return new Promise((_, reject) => {
    const t = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    t.unref();
  });
}

async function check(work: () => Promise<void>): Promise<{ ok: boolean; error?: string }> {
  try {
    await Promise.race([work(), timeout(CHECK_TIMEOUT_MS)]);
    return { ok: true };
  } catch (err) {
    return { ok: false, error: errorMessage(err) };
  }
}

/**
 * Readiness: the bridge can do its job when its database answers and the homeserver is
 * reachable. Connection states are reported alongside but do not make the bridge unready:
 * one platform being down must not take the others out of a load balancer.
 */
export async function readiness(
  queries: AdminQueries,
  homeserverUrl: string,
  states: ConnectionStates,
  encryptedPortals: () => Promise<EncryptedPortalHealth[]>,
): Promise<Readiness> {
  const [database, homeserver, encrypted_portals] = await Promise.all([
    check(() => queries.ping()),
    check(async () => {
      const res = await fetch(`${homeserverUrl}/_matrix/client/versions`, {
        signal: AbortSignal.timeout(CHECK_TIMEOUT_MS),
      });
      await res.body?.cancel();
      if (!res.ok) throw new Error(`the homeserver answered ${res.status}`);
    }),
    // Read from the database: when it fails, the `database` check above already says so.
    encryptedPortals().catch(() => []),
  ]);
  const connectors = states.all().map((s) => {
    const entry: Readiness['connectors'][number] = {
      connector: s.connector,
      workspace: s.workspace,
      status: s.status,
    };
    if (s.error) entry.error = s.error;
    return entry;
  });
  return {
    ready: database.ok && homeserver.ok,
    database,
    homeserver,
    connectors,
    encrypted_portals,
  };
}
