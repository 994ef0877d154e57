/**
 * Files of Mattermost posts: only files the server attached to the post (its FileInfos) are
 * bridged, each downloaded from `{server}/api/v4/files/{id}` built from the file id — never
 * from a URL — with every redirect hop checked, so the bot's token stays on the server.
 */
import type { FileInfo } from '@mattermost/types/files';
import type { Post } from '@mattermost/types/posts';
import {
  type Download,
  fetchServerFile,
  FileRefusedError,
  type FileUrlRule,
  serverRouteRule,
} from '../../src/connector/index.js';

/** Mattermost ids (of files and users): 26 lower-case base32 characters. */
const FILE_ID = /^[a-z0-9]{26}$/;

export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;
const MAX_AVATAR_BYTES = 5 * 1024 * 1024;

/** Why a FileInfo of `post` will not be fetched, or undefined when it is the post's own file. */
export function refusalOf(
  post: Pick<Post, 'id'>,
  f: Pick<FileInfo, 'id' | 'post_id'>,
): string | undefined {
  if (typeof f.id !== 'string' || !FILE_ID.test(f.id))
    return 'the file id is not a Mattermost file id';
  if (f.post_id && f.post_id !== post.id) return 'the file belongs to another post';
  return undefined;
}

/** The file endpoint under the configured server URL. */
export function fileRules(serverUrl: string): FileUrlRule[] {
  return [serverRouteRule(serverUrl, '/api/v4/files/[a-z0-9]{26}')];
}

/** `path` on the server, the bot's token sent only where `rule` allows (every hop checked). */
function fetchFromServer(
  serverUrl: string,
  token: string,
  path: string,
  rule: FileUrlRule,
  maxBytes: number,
): Promise<Download> {
  const credentials = { authorization: `Bearer ${token}` };
  return fetchServerFile(serverUrl, path, { rule, credentials, maxBytes, platform: 'Mattermost' });
}

/** Bytes of a file by its id, with the bot's token sent only to the file endpoint. */
export function downloadFile(
  serverUrl: string,
  token: string,
  fileId: string,
  maxBytes = MAX_DOWNLOAD_BYTES,
): Promise<Download> {
  if (!FILE_ID.test(fileId))
    return Promise.reject(new FileRefusedError('the file id is not a Mattermost file id'));
  return fetchFromServer(
    serverUrl,
    token,
    `/api/v4/files/${fileId}`,
    fileRules(serverUrl)[0]!,
    maxBytes,
  );
}

/** A user's profile picture (`version`: its last_picture_update), the token sent only there. */
export function downloadProfileImage(
  serverUrl: string,
  token: string,
  userId: string,
  version: string,
): Promise<Download> {
  if (!FILE_ID.test(userId))
    return Promise.reject(new FileRefusedError('the user id is not a Mattermost user id'));
  const query = Number(version) > 0 ? `?_=${Number(version)}` : '';
  const rule = serverRouteRule(serverUrl, '/api/v4/users/[a-z0-9]{26}/image', true);
  return fetchFromServer(
    serverUrl,
    token,
    `/api/v4/users/${userId}/image${query}`,
    rule,
    MAX_AVATAR_BYTES,
  );
}
