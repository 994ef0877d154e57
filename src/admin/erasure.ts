/**
 * Erasing one person (docs/data-protection.md): for a platform user their ghost is retired
 * on Matrix, then their rows go; for a Matrix user their linked platform accounts are
 * unlinked, then their rows go and the records kept for others are pseudonymised. The
 * answer counts what went, per table and kind, and never names the person.
 */
import type { Logger } from 'pino';
import type { GhostIdCodec } from '../core/ids.js';
import type { MatrixGateway } from '../matrix/matrix-gateway.js';
import type { ErasureCounts, ErasureStore } from '../store/erasure-store.js';
import type { GhostStore } from '../store/ghost-store.js';
import { errorMessage } from '../util/errors.js';
import type { ChannelCatalog } from './channel-catalog.js';
import { checkSubject, subjectName, type ErasureSubject } from './erase-subject.js';
import { AdminError } from './errors.js';
import { retireGhost } from './ghost-retirement.js';
import type { Pseudonyms } from './pseudonyms.js';

export interface ErasureReport {
  /** Who it was, as the audit log now calls them. */
  pseudonym: string;
  counts: ErasureCounts;
}

export interface ErasureDeps {
  store: ErasureStore;
  ghosts: Pick<GhostStore, 'get'>;
  codec: GhostIdCodec;
  gateway: MatrixGateway;
  catalog: ChannelCatalog;
  pseudonyms: Pseudonyms;
  /** `admin.erasure.redact_messages`: redact a platform user's bridged messages on Matrix. */
  redactMessages: boolean;
  /** Called after rows were erased, for caches that hold them (admin rooms). */
  afterErasure?: () => void;
  log: Logger;
}

export class UserErasure {
  constructor(private readonly deps: ErasureDeps) {}

  async erase(subject: ErasureSubject): Promise<ErasureReport> {
    checkSubject(subject, { botUserId: this.deps.gateway.botUserId, codec: this.deps.codec });
    const pseudonym = await this.deps.pseudonyms.of(subjectName(subject));
    const counts =
      subject.kind === 'matrix'
        ? await this.eraseMatrixUser(subject.userId, pseudonym)
        : await this.erasePlatformUser(subject, pseudonym);
    if (Object.keys(counts).length === 0) {
      throw new AdminError(
        'ERASURE_SUBJECT_UNKNOWN',
        `the bridge holds nothing about ${subjectName(subject).slice(0, 300)}; nothing was erased. ` +
          (subject.kind === 'matrix'
            ? 'Check the Matrix user id (@user:server, exactly as written).'
            : "Check the connector, the workspace and the platform's user id (the id, not the name)."),
      );
    }
    this.deps.afterErasure?.();
    this.deps.log.info({ pseudonym, kind: subject.kind, counts }, 'user erased');
    return { pseudonym, counts };
  }

  private async erasePlatformUser(
    s: Extract<ErasureSubject, { kind: 'platform' }>,
    pseudonym: string,
  ): Promise<ErasureCounts> {
    const running = this.deps.catalog.requireWorkspace(s.connector, s.workspace);
    const ghostId = this.deps.codec.encode({
      connector: s.connector,
      workspace: s.workspace,
      userId: s.userId,
    });
    // A platform that names people by handle in reaction snapshots: that name goes too.
    const handle = await running.connector
      .getUserHandle?.(s.workspace, s.userId)
      .catch(() => undefined);
    const remoteIds = handle && handle !== s.userId ? [s.userId, handle] : [s.userId];
    let matrixCounts: ErasureCounts = {};
    if (await this.deps.ghosts.get(ghostId)) {
      const redact = this.deps.redactMessages ? await this.deps.store.ghostEvents(ghostId) : [];
      matrixCounts = await this.onMatrix(() => retireGhost(this.deps.gateway, ghostId, redact));
    }
    const stored = await this.deps.store.erasePlatformUser({
      connector: s.connector,
      workspace: s.workspace,
      remoteIds,
      ghostId,
      pseudonym,
    });
    return { ...matrixCounts, ...stored };
  }

  private async eraseMatrixUser(userId: string, pseudonym: string): Promise<ErasureCounts> {
    let unlinked = 0;
    for (const c of this.deps.catalog.connectors()) {
      const conn = this.deps.catalog.requireConnector(c.id).connector;
      if (!conn.unlinkAccount) continue;
      for (const w of c.workspaces) {
        if (await conn.unlinkAccount(w.workspace, userId)) unlinked++;
      }
    }
    const stored = await this.deps.store.eraseMatrixUser({ userId, pseudonym });
    return unlinked > 0 ? { 'linked accounts': unlinked, ...stored } : stored;
  }

  /** A homeserver that refuses leaves the tables untouched, so the erasure can be run again. */
  private async onMatrix(step: () => Promise<ErasureCounts>): Promise<ErasureCounts> {
    try {
      return await step();
    } catch (err) {
      this.deps.log.warn({ err: errorMessage(err) }, 'erasure: the homeserver refused a step');
      throw new AdminError(
        'ERASURE_INCOMPLETE',
        `the homeserver refused to retire the ghost (${errorMessage(err).slice(0, 200)}); ` +
          "nothing was deleted from the bridge's tables. Check the homeserver (/ready) and run the erasure again.",
        {},
        { cause: err },
      );
    }
  }
}
