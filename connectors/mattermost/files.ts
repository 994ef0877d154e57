/**
 * Files of Mattermost posts: only files the server attached to the post (its FileInfos) are
 * bridged, each downloaded from `{server}/api/v4/files/{id}` built from the file id — never
 * from a URL — with every redirect hop checked, so the bot's token stays on the server.
 */
import type { FileInfo } from '@mattermost/types/files';
import type { Post } from '@mattermost/types/posts';
import {
  type Download,
  escapeRegExp,
  fetchPlatformFile,
  FileRefusedError,
  type FileUrlRule,
} from '../../src/connector/index.js';

/** Mattermost ids: 26 lower-case base32 characters. */
const FILE_ID = /^[a-z0-9]{26}$/;

export const MAX_DOWNLOAD_BYTES = 100 * 1024 * 1024;

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

/** The file endpoint under the configured server URL (which may have a path prefix). */
export function fileRules(serverUrl: string): FileUrlRule[] {
  const base = new URL(serverUrl);
  const prefix = escapeRegExp(base.pathname.replace(/\/+$/, ''));
  return [
    {
      origin: base.origin,
      path: new RegExp(`^${prefix}/api/v4/files/[a-z0-9]{26}$`),
      credentials: true,
    },
  ];
}

/** Bytes of a file by its id, with the bot's token sent only to the file endpoint. */
export async function downloadFile(
  serverUrl: string,
  token: string,
  fileId: string,
  maxBytes = MAX_DOWNLOAD_BYTES,
): Promise<Download> {
  if (!FILE_ID.test(fileId)) throw new FileRefusedError('the file id is not a Mattermost file id');
  const url = `${serverUrl.replace(/\/+$/, '')}/api/v4/files/${fileId}`;
  const got = await fetchPlatformFile(url, {
    rules: fileRules(serverUrl),
    credentials: { authorization: `Bearer ${token}` },
    maxBytes,
    platform: 'Mattermost',
  });
  return { data: got.data, mimetype: got.mimetype };
}
