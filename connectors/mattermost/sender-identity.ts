/**
 * How Matrix senders appear on one Mattermost server: under their own name and avatar
 * (post overrides, when the server allows them) or named in the message text; and the
 * usernames of Mattermost users, for mentions.
 */
import type { Logger } from 'pino';
import { TtlCache } from '../../src/connector/index.js';
import type { MattermostApi } from './api.js';
import type { WorkspaceConfig } from './config.js';

/** How often `identity: auto` asks the server again whether overrides are allowed. */
const CONFIG_REFRESH_MS = 10 * 60 * 1000;
/** Usernames for mentions, asked again after a while (people can be renamed). */
const USERNAMES = { ttlMs: 10 * 60 * 1000, max: 5000 };

export class SenderIdentity {
  private overridesAllowed = false;
  private configCheckedAt = 0;
  private readonly usernames = new TtlCache<string, string>(USERNAMES);

  constructor(
    private readonly api: MattermostApi,
    private readonly config: WorkspaceConfig,
    private readonly logger: Logger,
    private readonly workspace: string,
  ) {}

  /** Whether posts can carry the Matrix sender's name and avatar (server settings). */
  async useOverrides(): Promise<boolean> {
    await this.refresh(false);
    return this.overridesAllowed;
  }

  async usernameOf(userId: string): Promise<string | undefined> {
    const cached = this.usernames.get(userId);
    if (cached) return cached;
    const user = await this.api.getUser(userId).catch(() => undefined);
    if (user) this.usernames.set(userId, user.username);
    return user?.username;
  }

  /** Reads the server's setting (at most every 10 minutes unless forced); says when it changes. */
  async refresh(force: boolean): Promise<void> {
    if (this.config.identity !== 'auto') {
      this.overridesAllowed = this.config.identity === 'override';
      return;
    }
    if (!force && Date.now() - this.configCheckedAt < CONFIG_REFRESH_MS) return;
    this.configCheckedAt = Date.now();
    try {
      const cfg = (await this.api.getClientConfig()) as Record<string, unknown>;
      const allowed = cfg.EnablePostUsernameOverride === 'true';
      if (allowed !== this.overridesAllowed) {
        this.logger.info(
          { workspace: this.workspace, overrides: allowed },
          allowed
            ? 'username override enabled: Matrix users post under their own names'
            : 'username override disabled on the server: Matrix senders are named in the message text (enable EnablePostUsernameOverride and EnablePostIconOverride to fix)',
        );
      }
      this.overridesAllowed = allowed;
    } catch {
      this.overridesAllowed = false;
    }
  }
}
