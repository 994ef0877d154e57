import type { AdminPath } from '../store/audit-store.js';

export type { AdminPath } from '../store/audit-store.js';

/** Who is asking, through which way in. Built by each path after authentication. */
export interface Actor {
  /** The Matrix user acting; absent for automation holding the provisioning secret. */
  userId?: string;
  /**
   * The provisioning secret was presented. Without `userId` the caller is trusted automation
   * (admin level, no room power check); with it, it vouches for that user, whose permissions
   * and room power then apply.
   */
  viaSecret: boolean;
  path: AdminPath;
  /** Network address of an HTTP caller, for the audit log. */
  client?: string;
}

/** The actor's name in the audit log and in link records. */
export function actorName(actor: Actor): string {
  if (actor.userId)
    return actor.viaSecret ? `${actor.userId} (via provisioning secret)` : actor.userId;
  return actor.viaSecret ? 'provisioning-secret' : 'anonymous';
}
