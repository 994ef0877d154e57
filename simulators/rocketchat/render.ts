import type { MessageRecord, RoomRecord, SimState, UserRecord } from './state.js';

/** REST answers carry ISO date strings; DDP frames carry EJSON `{$date: ms}`. */
export type DateStyle = 'rest' | 'ddp';

export function date(ms: number, style: DateStyle): string | { $date: number } {
  return style === 'rest' ? new Date(ms).toISOString() : { $date: ms };
}

export function renderMessage(m: MessageRecord, style: DateStyle): Record<string, unknown> {
  const out: Record<string, unknown> = {
    _id: m._id,
    rid: m.rid,
    msg: m.msg,
    ts: date(m.ts, style),
    u: { ...m.u },
    _updatedAt: date(m.updatedAt, style),
    urls: [],
    mentions: m.mentions.map((x) => ({ ...x })),
    channels: m.channels.map((x) => ({ ...x })),
  };
  if (m.t !== undefined) out.t = m.t;
  if (m.md !== undefined) out.md = m.md;
  if (m.alias !== undefined) out.alias = m.alias;
  if (m.avatar !== undefined) out.avatar = m.avatar;
  if (m.emoji !== undefined) out.emoji = m.emoji;
  if (m.groupable !== undefined) out.groupable = m.groupable;
  if (m.tmid !== undefined) out.tmid = m.tmid;
  if (m.tcount !== undefined) out.tcount = m.tcount;
  if (m.tlm !== undefined) out.tlm = date(m.tlm, style);
  if (m.replies !== undefined) out.replies = [...m.replies];
  if (m.editedAt !== undefined) out.editedAt = date(m.editedAt, style);
  if (m.editedBy !== undefined) out.editedBy = { ...m.editedBy };
  if (m.reactions !== undefined && Object.keys(m.reactions).length > 0) {
    out.reactions = Object.fromEntries(
      Object.entries(m.reactions).map(([k, v]) => [k, { usernames: [...v.usernames] }]),
    );
  }
  if (m.attachments !== undefined) out.attachments = structuredClone(m.attachments);
  if (m.file !== undefined) out.file = { ...m.file };
  if (m.files !== undefined) out.files = m.files.map((f) => ({ ...f }));
  return out;
}

export function renderUser(u: UserRecord, state: SimState, self = false): Record<string, unknown> {
  const out: Record<string, unknown> = {
    _id: u._id,
    username: u.username,
    name: u.name,
    type: u.type,
    status: 'online',
    active: true,
    roles: [...u.roles],
    utcOffset: 0,
    createdAt: new Date(u.createdAt).toISOString(),
    _updatedAt: new Date(u.updatedAt).toISOString(),
  };
  if (u.avatar) out.avatarETag = u.avatar.etag;
  if (self) {
    out.emails = [{ address: `${u.username}@example.org`, verified: true }];
    out.statusConnection = 'online';
    out.settings = { preferences: {} };
  }
  void state;
  return out;
}

export function renderRoom(
  r: RoomRecord,
  state: SimState,
  style: DateStyle = 'rest',
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    _id: r._id,
    t: r.t,
    name: r.name,
    fname: r.fname,
    ts: date(r.ts, style),
    _updatedAt: date(r.updatedAt, style),
    u: { ...r.creator },
    msgs: r.msgs,
    usersCount: state.members.get(r._id)?.size ?? 0,
    default: false,
    ro: false,
    sysMes: true,
  };
  if (r.topic !== undefined) out.topic = r.topic;
  if (r.description !== undefined) out.description = r.description;
  const last = r.lastMessageId ? state.messages.get(r.lastMessageId) : undefined;
  if (last) {
    out.lm = date(last.ts, style);
    out.lastMessage = renderMessage(last, style);
  }
  return out;
}
