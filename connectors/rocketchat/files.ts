/**
 * Files of Rocket.Chat messages. Attachments are written by senders (any client may post one
 * with any `title_link`), so only the server's own file records of the message (`files`,
 * `file`) are bridged; the download URL `/file-upload/<id>/<name>` is rebuilt from that id on
 * the configured server, and every redirect hop is checked, so the bot's credentials stay there.
 */
import {
  type Download,
  fetchServerFile,
  FileRefusedError,
  type FileUrlRule,
  serverRouteRule,
} from '../../src/connector/index.js';
import type { WireFile, WireMessage } from './types.js';

/** Upload ids are Meteor random ids: letters and digits (no dots, no slashes). */
const UPLOAD_ID = /^[A-Za-z0-9_-]{1,64}$/;
const FILE_PATH = /^\/file-upload\/([^/?#]+)\/([^/?#]*)$/;

/** The message's own file records by id (only well-formed ids). */
export function platformFiles(m: WireMessage): Map<string, WireFile> {
  const list = Array.isArray(m.files) ? m.files : m.file ? [m.file] : [];
  const out = new Map<string, WireFile>();
  for (const f of list) {
    if (typeof f === 'object' && f !== null && typeof f._id === 'string' && UPLOAD_ID.test(f._id))
      out.set(f._id, f);
  }
  return out;
}

/** The file id handed to the core: the server's own path for the upload. */
export function fileIdFor(f: WireFile & { _id: string }): string {
  return `/file-upload/${f._id}/${safeName(f.name)}`;
}

/** The upload id a `/file-upload/<id>/<name>` path names, if it is well-formed. */
export function uploadIdOf(path: unknown): string | undefined {
  const m = typeof path === 'string' ? FILE_PATH.exec(path) : null;
  return m && UPLOAD_ID.test(m[1]!) ? m[1] : undefined;
}

/** The server looks files up by id; the name segment is only for people, so keep it plain. */
function safeName(name: unknown): string {
  const plain = typeof name === 'string' ? name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 100) : '';
  return /^\.*$/.test(plain) ? 'file' : plain;
}

export function fileRules(serverUrl: string): FileUrlRule[] {
  return [serverRouteRule(serverUrl, '/file-upload/[A-Za-z0-9_-]{1,64}/[A-Za-z0-9._-]+')];
}

/** `path` on the server, the bot's credentials sent only where `rule` allows. */
function fetchFromServer(
  serverUrl: string,
  path: string,
  rule: FileUrlRule,
  credentials: Record<string, string>,
  maxBytes: number,
): Promise<Download> {
  return fetchServerFile(serverUrl, path, { rule, credentials, maxBytes, platform: 'Rocket.Chat' });
}

/** Bytes of an upload named by its file id, with the bot's credentials sent only there. */
export async function downloadUpload(
  serverUrl: string,
  credentials: Record<string, string>,
  fileId: string,
  maxBytes: number,
): Promise<Download> {
  const id = uploadIdOf(fileId);
  if (!id) throw new FileRefusedError('the file reference is not a Rocket.Chat upload');
  const name = safeName(FILE_PATH.exec(fileId)?.[2]);
  const path = `/file-upload/${id}/${name}`;
  return fetchFromServer(serverUrl, path, fileRules(serverUrl)[0]!, credentials, maxBytes);
}

/** A user's avatar (`/avatar/<username>`), with the bot's credentials sent only there. */
export async function downloadAvatar(
  serverUrl: string,
  credentials: Record<string, string>,
  username: string,
  maxBytes: number,
): Promise<Download> {
  // Any username the server has (UTF-8 ones too), but never a path of its own.
  if (username === '' || username.length > 100 || /^\.+$/.test(username))
    throw new FileRefusedError('the avatar is not of a Rocket.Chat username');
  const rule = serverRouteRule(serverUrl, '/avatar/[A-Za-z0-9._~%-]{1,600}');
  const path = `/avatar/${encodeURIComponent(username)}`;
  return fetchFromServer(serverUrl, path, rule, credentials, maxBytes);
}
