import type { ChannelView, ConnectorView } from '../channel-catalog.js';
import type { LinkResult, PortalView, UnlinkResult } from '../operations.js';
import type { RetireResult } from '../retirement.js';
import type { AuditEntry } from '../../store/audit-store.js';
import type { DeliveryFailure } from '../../store/admin-queries.js';

// The API speaks snake_case, like the Matrix APIs around it; these map the internal views.

export const portalJson = (p: PortalView) => ({
  room_id: p.roomId,
  name: p.name,
  room_name: p.roomName,
  links: p.links.map((l) => ({
    connector: l.connector,
    workspace: l.workspace,
    channel: l.channel,
    source: l.source,
    created_by: l.createdBy,
    created_at: l.createdAt,
    retire_until: l.retireUntil,
    channel_name: l.channelName,
  })),
  encrypted_at: p.encryptedAt,
});

export const linkResultJson = (r: LinkResult) => ({
  room_id: r.roomId,
  connector: r.connector,
  workspace: r.workspace,
  channel: r.channel,
  channel_name: r.channelName,
  existed: r.existed,
});

export const unlinkResultJson = (r: UnlinkResult) => ({
  room_id: r.roomId,
  connector: r.connector,
  workspace: r.workspace,
  channel: r.channel,
  portal_removed: r.portalRemoved,
});

export const connectorJson = (c: ConnectorView) => ({
  id: c.id,
  display_name: c.displayName,
  lists_channels: c.listsChannels,
  workspaces: c.workspaces.map(({ traffic, ...w }) => ({
    ...w,
    traffic: { in: traffic.in, out: traffic.out, last_at: traffic.lastAt },
  })),
});

export const channelJson = (c: ChannelView) => {
  const out: Record<string, string> = { workspace: c.workspace, channel: c.channel, name: c.name };
  if (c.visibility) out.visibility = c.visibility;
  if (c.linkedRoomId) out.linked_room_id = c.linkedRoomId;
  return out;
};

export const failureJson = (f: DeliveryFailure) => ({
  id: f.id,
  room_id: f.roomId,
  source: f.source,
  event_key: f.eventKey,
  error: f.error,
  attempts: f.attempts,
  at: f.at,
});

export const auditJson = (e: AuditEntry) => {
  const out: Record<string, unknown> = {
    id: e.id,
    at: e.at,
    actor: e.actor,
    path: e.path,
    action: e.action,
    outcome: e.outcome,
  };
  if (e.roomId !== undefined) out.room_id = e.roomId;
  for (const k of ['connector', 'workspace', 'channel', 'detail', 'client'] as const) {
    if (e[k] !== undefined) out[k] = e[k];
  }
  return out;
};

export const retireResultJson = (r: RetireResult) => ({
  room_id: r.roomId,
  connector: r.connector,
  workspace: r.workspace,
  channel: r.channel,
  retire_until: r.retireUntil,
  already: r.already,
});
