import type {
  BotRecord,
  ChannelRecord,
  FileRecord,
  MessageRecord,
  SimState,
  UserRecord,
} from './state.js';

type Json = Record<string, unknown>;

const AVATAR_SIZES = [24, 32, 48, 72, 192, 512] as const;

export function avatarUrl(state: SimState, hash: string, size: number): string {
  return `${state.baseUrl()}/avatars/${hash}_${size}.png`;
}

export function userJson(state: SimState, u: UserRecord): Json {
  const images: Json = {};
  for (const size of AVATAR_SIZES) images[`image_${size}`] = avatarUrl(state, u.avatarHash, size);
  const profile: Json = {
    title: '',
    phone: '',
    skype: '',
    real_name: u.realName,
    real_name_normalized: u.realName,
    display_name: u.displayName,
    display_name_normalized: u.displayName,
    status_text: '',
    status_emoji: '',
    status_expiration: 0,
    avatar_hash: u.avatarHash,
    first_name: u.realName.split(' ')[0] ?? '',
    last_name: u.realName.split(' ').slice(1).join(' '),
    team: u.teamId,
    ...images,
  };
  if (u.botId) {
    profile.bot_id = u.botId;
    profile.always_active = true;
  }
  return {
    id: u.id,
    team_id: u.teamId,
    name: u.name,
    deleted: u.deleted,
    color: '9f69e7',
    real_name: u.realName,
    tz: 'Europe/Berlin',
    tz_label: 'Central European Time',
    tz_offset: 3600,
    profile,
    is_admin: false,
    is_owner: false,
    is_primary_owner: false,
    is_restricted: false,
    is_ultra_restricted: false,
    is_bot: u.isBot,
    is_app_user: false,
    updated: u.updated,
    is_email_confirmed: !u.isBot,
  };
}

export function botJson(state: SimState, b: BotRecord): Json {
  return {
    id: b.id,
    deleted: false,
    name: b.name,
    updated: b.updated,
    app_id: b.appId,
    user_id: b.userId,
    icons: {
      image_36: avatarUrl(state, b.iconHash, 36),
      image_48: avatarUrl(state, b.iconHash, 48),
      image_72: avatarUrl(state, b.iconHash, 72),
    },
  };
}

export function channelJson(c: ChannelRecord, viewer: string | undefined): Json {
  return {
    id: c.id,
    name: c.name,
    is_channel: !c.isPrivate,
    is_group: c.isPrivate && !c.direct,
    is_im: c.direct === 'im',
    is_mpim: c.direct === 'mpim',
    is_private: c.isPrivate,
    created: c.created,
    is_archived: c.archived,
    is_general: false,
    unlinked: 0,
    name_normalized: c.name,
    is_shared: false,
    is_org_shared: false,
    is_pending_ext_shared: false,
    pending_shared: [],
    context_team_id: c.teamId,
    updated: c.created * 1000,
    parent_conversation: null,
    creator: c.creator,
    is_ext_shared: false,
    shared_team_ids: [c.teamId],
    pending_connected_team_ids: [],
    is_member: viewer !== undefined && c.members.has(viewer),
    topic: { value: c.topic, creator: c.creator, last_set: c.created },
    purpose: { value: c.purpose, creator: c.creator, last_set: c.created },
    previous_names: [],
    num_members: c.members.size,
  };
}

export function fileUrls(state: SimState, f: FileRecord): { private: string; download: string } {
  if (f.urls) return f.urls;
  const base = `${state.baseUrl()}/files-pri/${f.teamId}-${f.id}`;
  const name = encodeURIComponent(f.name);
  return { private: `${base}/${name}`, download: `${base}/download/${name}` };
}

export function fileJson(state: SimState, f: FileRecord): Json {
  const urls = fileUrls(state, f);
  const extension = /\.([a-z0-9]{1,10})$/i.exec(f.name)?.[1]?.toLowerCase() ?? 'binary';
  const shares: Record<string, Array<Json>> = {};
  for (const s of f.shares) {
    const list = (shares[s.channel] ??= []);
    list.push({
      ts: s.ts,
      thread_ts: s.threadTs,
      channel_name: state.channels.get(s.channel)?.name,
    });
  }
  const isPrivate = f.shares.some((s) => state.channels.get(s.channel)?.isPrivate);
  return {
    id: f.id,
    created: f.created,
    timestamp: f.created,
    name: f.name,
    title: f.title,
    mimetype: f.mimetype,
    filetype: extension,
    pretty_type: extension.toUpperCase(),
    user: f.userId,
    user_team: f.teamId,
    editable: false,
    size: f.size,
    mode: 'hosted',
    is_external: false,
    external_type: '',
    is_public: f.shares.length > 0 && !isPrivate,
    public_url_shared: false,
    display_as_bot: false,
    username: '',
    url_private: urls.private,
    url_private_download: urls.download,
    permalink: `${state.baseUrl()}/files/${f.userId}/${f.id}/${encodeURIComponent(f.name)}`,
    shares: f.shares.length > 0 ? { [isPrivate ? 'private' : 'public']: shares } : {},
    channels: [...new Set(f.shares.map((s) => s.channel))],
    groups: [],
    ims: [],
    has_rich_preview: false,
    file_access: 'visible',
  };
}

export interface MessageJsonOptions {
  /** Include `metadata` (conversations.history with include_all_metadata). */
  metadata?: boolean;
  /** Include `channel` (events carry it; history answers do not). */
  channel?: boolean;
}

/** A message as the Web API and events show it. */
export function messageJson(
  state: SimState,
  m: MessageRecord,
  opts: MessageJsonOptions = {},
): Json {
  const out: Json = { type: 'message', ts: m.ts, text: m.text };
  if (m.subtype) out.subtype = m.subtype;
  if (m.user) out.user = m.user;
  if (m.botId) {
    out.bot_id = m.botId;
    const bot = state.bots.get(m.botId);
    if (bot) {
      out.app_id = bot.appId;
      out.bot_profile = {
        id: bot.id,
        deleted: false,
        name: bot.name,
        updated: bot.updated,
        app_id: bot.appId,
        icons: { image_36: '', image_48: '', image_72: avatarUrl(state, bot.iconHash, 72) },
        team_id: bot.teamId,
      };
    }
  }
  if (m.username) out.username = m.username;
  if (m.iconUrl) out.icons = { image_48: m.iconUrl };
  if (m.blocks) out.blocks = m.blocks;
  out.team = m.teamId;
  if (m.threadTs) {
    out.thread_ts = m.threadTs;
    if (m.threadTs !== m.ts) {
      const root = state.findMessage(m.channel, m.threadTs);
      if (root?.user) out.parent_user_id = root.user;
    } else {
      const replies = state.replies(m.channel, m.ts);
      const users = [...new Set(replies.map((r) => r.user ?? r.botId ?? ''))].filter(Boolean);
      out.reply_count = replies.length;
      out.reply_users = users;
      out.reply_users_count = users.length;
      out.latest_reply = replies.at(-1)?.ts ?? m.ts;
      out.is_locked = false;
      out.subscribed = false;
    }
  }
  if (m.edited) out.edited = { ...m.edited };
  if (m.files.length > 0) {
    out.files = m.files.flatMap((id) => {
      const f = state.files.get(id);
      return f ? [fileJson(state, f)] : [];
    });
    if (m.upload) out.upload = true;
    out.display_as_bot = false;
  }
  if (m.reactions.size > 0) {
    out.reactions = [...m.reactions].map(([name, users]) => ({
      name,
      users: [...users],
      count: users.length,
    }));
  }
  if (opts.metadata && m.metadata) out.metadata = m.metadata;
  if (opts.channel) out.channel = m.channel;
  return out;
}
