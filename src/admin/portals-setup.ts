import type { Logger } from 'pino';
import type { PortalConfig } from '../config/index.js';
import type { PortalDirectory } from '../core/portal-directory.js';
import type { AuditInput, AuditStore } from '../store/audit-store.js';
import type { RemoteChannelKey } from '../store/index.js';
import type { LinkAdminStore } from '../store/link-admin-store.js';
import { errorMessage } from '../util/errors.js';
import { refuseEncryptedDeclared, type RoomEncryption } from './declared-encryption.js';

/** How links made by the config file are named in the link records and the audit log. */
export const CONFIG_ACTOR = 'config-file';

export interface DeclaredPortalsDeps {
  directory: PortalDirectory;
  links: LinkAdminStore;
  audit: AuditStore;
  /** Room id of an alias (throws when it does not resolve). */
  resolveAlias(alias: string): Promise<string>;
  /** Whether a room is end-to-end encrypted (encrypted rooms are refused). */
  roomEncryption(roomId: string): Promise<RoomEncryption>;
  /** What to do with links the file made earlier and no longer lists. */
  removedLinks: 'unlink' | 'keep';
  log: Logger;
}

export interface DeclaredSummary {
  created: number;
  adopted: number;
  moved: number;
  removed: number;
  released: number;
  failed: number;
}

const keyText = (k: RemoteChannelKey): string => `${k.connector}/${k.workspace}/${k.channel}`;

/**
 * Mapping as code: makes the links listed under `portals:` exist, idempotently, marked as
 * made by the config file (source `config`). A listed channel linked by hand to the same room
 * is adopted; one linked to another room is moved (the file wins). Links the file made before
 * and no longer lists are unlinked, or with `admin.removed_config_links: keep` handed over to
 * manual management (source `api`). Links made through the API, commands or CLI and not
 * listed are never touched. Every change is audited (path `config`).
 */
export async function applyDeclaredPortals(
  portals: PortalConfig[],
  deps: DeclaredPortalsDeps,
): Promise<DeclaredSummary> {
  const { directory, links, log } = deps;
  const summary: DeclaredSummary = {
    created: 0,
    adopted: 0,
    moved: 0,
    removed: 0,
    released: 0,
    failed: 0,
  };
  const audit = (input: Omit<AuditInput, 'actor' | 'path'>): Promise<unknown> =>
    deps.audit
      .record({ actor: CONFIG_ACTOR, path: 'config', ...input })
      .catch((err: unknown) =>
        log.error({ err: errorMessage(err) }, 'could not write the audit log'),
      );
  // Every listed channel counts as declared, even when its room cannot be resolved now:
  // a temporarily missing alias must not unlink anything.
  const declared = new Set(portals.flatMap((p) => p.links.map(keyText)));

  for (const p of portals) {
    const roomId = await resolve(p.room, deps);
    if (!roomId || (await refuseEncryptedDeclared(p, roomId, deps, audit))) {
      summary.failed += p.links.length;
      continue;
    }
    for (const link of p.links) {
      const key = { connector: link.connector, workspace: link.workspace, channel: link.channel };
      const target = { roomId, ...key };
      try {
        const existing = directory.linkFor(key);
        const existingRoom = existing ? directory.portal(existing.portalId)?.roomId : undefined;
        if (!existing) {
          await links.link(roomId, key, 'config', CONFIG_ACTOR, p.name);
          await audit({
            action: 'link',
            outcome: 'ok',
            ...target,
            detail: 'declared in the config file',
          });
          summary.created += 1;
        } else if (existingRoom === roomId) {
          if (existing.source !== 'config') {
            await links.setSource(key, 'config');
            await audit({
              action: 'adopt',
              outcome: 'ok',
              ...target,
              detail: `made through ${existing.source}; now managed by the config file`,
            });
            summary.adopted += 1;
          }
        } else {
          await links.move(key, roomId, 'config', CONFIG_ACTOR);
          log.warn(
            { ...key, from: existingRoom, to: roomId },
            'portals: moved a link to the room the config file names',
          );
          await audit({
            action: 'move',
            outcome: 'ok',
            ...target,
            detail: `moved from ${existingRoom ?? '?'}`,
          });
          summary.moved += 1;
        }
      } catch (err) {
        summary.failed += 1;
        log.error({ ...target, err: errorMessage(err) }, 'portals: cannot create link');
        await audit({ action: 'link', outcome: 'failed', ...target, detail: errorMessage(err) });
      }
    }
    if (p.name !== undefined && directory.portalByRoom(roomId)) {
      await links.setPortalName(roomId, p.name);
    }
  }

  await directory.load();
  for (const portal of directory.portals()) {
    for (const link of directory.linksOf(portal.id)) {
      if (link.source !== 'config' || declared.has(keyText(link))) continue;
      const key = { connector: link.connector, workspace: link.workspace, channel: link.channel };
      const target = { roomId: portal.roomId, ...key };
      if (deps.removedLinks === 'unlink') {
        await links.unlink(key);
        log.info(target, 'portals: unlinked a channel the config file no longer lists');
        await audit({
          action: 'unlink',
          outcome: 'ok',
          ...target,
          detail: 'no longer in the config file',
        });
        summary.removed += 1;
      } else {
        await links.setSource(key, 'api');
        log.warn(
          target,
          'portals: a channel the config file no longer lists stays linked, now managed by hand',
        );
        await audit({
          action: 'release',
          outcome: 'ok',
          ...target,
          detail: 'no longer in the config file; kept (admin.removed_config_links: keep)',
        });
        summary.released += 1;
      }
    }
  }
  await directory.load();
  return summary;
}

async function resolve(room: string, deps: DeclaredPortalsDeps): Promise<string | undefined> {
  if (!room.startsWith('#')) return room;
  try {
    return await deps.resolveAlias(room);
  } catch (err) {
    deps.log.error(
      { room, err: errorMessage(err) },
      'portals: cannot resolve room alias; skipping this portal (its links stay as they are)',
    );
    return undefined;
  }
}
