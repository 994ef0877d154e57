/**
 * Files of Slack messages. The event's own `url_private*` fields are never used: the file id
 * from the message is looked up with files.info, and the URL that answer gives must be the
 * file endpoint (`/files-pri/<team>-<that file id>/…` on Slack's file host) before the bot's
 * token goes with it; every redirect hop is checked the same way.
 */
import {
  type Download,
  FileRefusedError,
  type FileUrlRule,
  RemoteApiError,
} from '../../src/connector/index.js';
import type { SlackApi } from './api.js';
import type { SlackFile } from './types.js';

/** Slack file ids: `F` and upper-case letters and digits. */
const FILE_ID = /^F[A-Z0-9]{2,40}$/;

export const isSlackFileId = (id: unknown): id is string =>
  typeof id === 'string' && FILE_ID.test(id);

/** Slack serves files from files.slack.com; a test or proxy API URL serves them itself. */
export function fileOrigin(apiUrl: string): string {
  const api = new URL(apiUrl);
  if (api.hostname === 'slack.com' || api.hostname.endsWith('.slack.com'))
    return 'https://files.slack.com';
  return api.origin;
}

/** url_private and url_private_download of exactly this file. */
export function fileRules(apiUrl: string, fileId: string): FileUrlRule[] {
  if (!isSlackFileId(fileId)) throw new FileRefusedError('the file id is not a Slack file id');
  return [
    {
      origin: fileOrigin(apiUrl),
      path: new RegExp(`^/files-pri/[TE][A-Z0-9]+-${fileId}/(?:download/)?[^/]+$`),
      credentials: true,
    },
  ];
}

/** Bytes of a file named by id: files.info, then its private URL once checked. */
export async function downloadSlackFile(
  api: SlackApi,
  fileId: string,
  maxBytes: number,
): Promise<Download> {
  const rules = fileRules(api.apiUrl, fileId);
  const res = await api.read('files.info', { file: fileId });
  const file = res.file as SlackFile | undefined;
  if (file?.id !== fileId) throw new FileRefusedError('files.info described another file');
  const url = file.url_private_download ?? file.url_private;
  if (!url)
    throw new RemoteApiError({
      message: `Slack file ${fileId} has no download URL`,
      retryable: false,
    });
  const got = await api.downloadChecked(url, rules, maxBytes);
  if (file.mimetype !== 'text/html' && got.mimetype === 'text/html') {
    // Slack answers a download it will not authorise with its sign-in page.
    throw new RemoteApiError({
      message: 'Slack sent a sign-in page instead of the file: the bot needs the files:read scope',
      retryable: false,
      code: 'SLACK_FILE_REFUSED',
    });
  }
  return { data: got.data, mimetype: file.mimetype || got.mimetype };
}
