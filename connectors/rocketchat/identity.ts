import type { Logger } from 'pino';
import type { RocketChatApi } from './api.js';
import type { IdentityMode } from './config.js';

const RECHECK_MS = 10 * 60 * 1000;
const PERMISSION = 'message-impersonate';

export const ATTRIBUTION_WARNING =
  "the bot lacks the 'message-impersonate' permission, so Matrix users are named in the message text instead of appearing with their own name and avatar; grant 'message-impersonate' to the bot's role (Administration → Permissions)";

/**
 * Whether messages from Matrix carry the sender's name and avatar (alias/avatar). Rocket.Chat
 * allows that only with the `message-impersonate` permission; without it the sender is named
 * in the text, and the operator is told why.
 */
export class IdentityPolicy {
  private allowed = true;
  private checkedAt = 0;

  constructor(
    private readonly mode: IdentityMode,
    private readonly api: RocketChatApi,
    private readonly log: Logger,
    private readonly onChange: () => void,
  ) {
    this.allowed = mode !== 'attribution';
  }

  /** Operator-facing warning while impersonation is wanted but not possible. */
  warning(): string | undefined {
    return this.mode !== 'attribution' && !this.allowed ? ATTRIBUTION_WARNING : undefined;
  }

  async impersonate(botRoles: readonly string[]): Promise<boolean> {
    if (this.mode === 'attribution') return false;
    if (this.mode === 'auto' && Date.now() - this.checkedAt > RECHECK_MS) {
      this.checkedAt = Date.now();
      await this.check(botRoles);
    }
    return this.allowed;
  }

  /** The server answered "Not enough permission" to alias/avatar: fall back until the next check. */
  denied(): void {
    this.checkedAt = Date.now();
    this.set(false);
  }

  private async check(botRoles: readonly string[]): Promise<void> {
    try {
      const res = await this.api.get<{ update?: Array<{ _id?: string; roles?: string[] }> }>(
        'permissions.listAll',
      );
      const entry = res.update?.find((p) => p._id === PERMISSION);
      // Unknown (old server, filtered list): try, and learn from the answer to the first send.
      if (!entry || !Array.isArray(entry.roles)) return;
      this.set(entry.roles.some((r) => botRoles.includes(r)));
    } catch (err) {
      this.log.debug(
        { err: (err as Error).message },
        'could not read permissions; keeping the identity mode',
      );
    }
  }

  private set(allowed: boolean): void {
    if (allowed === this.allowed) return;
    this.allowed = allowed;
    if (allowed)
      this.log.info('message-impersonate granted: Matrix users post under their own names');
    else this.log.warn(ATTRIBUTION_WARNING);
    this.onChange();
  }
}
