/**
 * The shapes the connector reads from Rocket.Chat, as they arrive on the wire. IMessage from
 * @rocket.chat/core-typings describes the server's documents (Date objects); REST answers carry
 * ISO strings and DDP frames EJSON `{$date}`, and nothing from the network is trusted, so every
 * field here is optional and checked where it is used.
 */
export type WireDate = string | number | { $date: number };

export interface WireUser {
  _id?: string;
  username?: string;
  name?: string;
}

export interface WireAttachment {
  type?: string;
  title?: string;
  title_link?: string;
  description?: string;
  text?: string;
  message_link?: string;
  image_url?: string;
  image_type?: string;
  image_size?: number;
  image_dimensions?: { width?: number; height?: number };
  audio_url?: string;
  audio_type?: string;
  audio_size?: number;
  video_url?: string;
  video_type?: string;
  video_size?: number;
}

export interface WireFile {
  _id?: string;
  name?: string;
  type?: string;
  size?: number;
}

export interface WireMessage {
  _id?: string;
  rid?: string;
  msg?: string;
  t?: string;
  ts?: WireDate;
  _updatedAt?: WireDate;
  editedAt?: WireDate;
  u?: WireUser;
  alias?: string;
  avatar?: string;
  tmid?: string;
  tshow?: boolean;
  attachments?: WireAttachment[];
  file?: WireFile;
  files?: WireFile[];
  reactions?: Record<string, { usernames?: string[] }>;
  mentions?: WireUser[];
}

export interface WireRoom {
  _id?: string;
  t?: string;
  /** Direct messages: the members' usernames (they have no name of their own). */
  usernames?: string[];
  name?: string;
  fname?: string;
  topic?: string;
  description?: string;
}

export interface WireUserInfo {
  _id?: string;
  username?: string;
  name?: string;
  avatarETag?: string;
  roles?: string[];
}

/** Milliseconds from any of the wire's date forms; undefined when absent or unreadable. */
export function toMs(d: WireDate | undefined): number | undefined {
  if (d === undefined || d === null) return undefined;
  if (typeof d === 'number') return Number.isFinite(d) ? d : undefined;
  if (typeof d === 'string') {
    const t = Date.parse(d);
    return Number.isNaN(t) ? undefined : t;
  }
  if (typeof d === 'object' && typeof d.$date === 'number') return d.$date;
  return undefined;
}
