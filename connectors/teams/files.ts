/**
 * Files of Teams messages. A file card names a SharePoint/OneDrive URL; the bridge accepts
 * only https URLs of the tenant's SharePoint (`*.sharepoint.com` and the national clouds) and
 * never fetches them itself: it asks Graph for `/shares/{token}/driveItem/content`, with the
 * app token sent to Graph only. Graph answers with a redirect to a pre-authenticated
 * SharePoint `download.aspx` link, which is followed without any token; every other hop, and
 * every card pointing elsewhere, is refused. Inline images are Graph hosted contents of the
 * same message.
 */
import type { Download } from '../../src/connector/contract.js';
import { RemoteApiError } from '../../src/connector/errors.js';
import { fetchPlatformFile, type FileFetch } from '../../src/connector/file-fetch.js';
import {
  checkFileUrl,
  escapeRegExp,
  FileRefusedError,
  type FileUrlRule,
} from '../../src/connector/file-url.js';
import { GRAPH_SCOPE } from './auth/app-tokens.js';
import type { TeamsDeps } from './deps.js';
import { parseFileId, shareToken } from './ids.js';

/** SharePoint Online in the commercial, government, China and Germany clouds. */
const SHAREPOINT_DOMAINS = [
  'sharepoint.com',
  'sharepoint.us',
  'sharepoint-mil.us',
  'sharepoint.cn',
  'sharepoint.de',
];
const SITE_PATH = /^\/(?:sites|teams|personal)\/[^?#]+$/;
const DOWNLOAD_PATH = /^(?:\/(?:sites|teams|personal)\/[^/?#]+)?\/_layouts\/15\/download\.aspx$/;

/**
 * Where files live: SharePoint, and the Graph host itself (a Graph endpoint other than
 * Microsoft's, such as a test double or a national-cloud proxy, serves its files there).
 */
function fileOrigins(graphUrl: string): string[] {
  return [...SHAREPOINT_DOMAINS.map((d) => `https://*.${d}`), new URL(graphUrl).origin];
}

/** Share URLs a card may name (never requested directly: Graph resolves them). */
export function shareRules(graphUrl: string): FileUrlRule[] {
  return fileOrigins(graphUrl).map((origin) => ({
    origin,
    path: SITE_PATH,
    query: true,
    credentials: false,
  }));
}

/** Why a card's URL will not be fetched, or undefined when it is a SharePoint file. */
export function shareUrlRefusal(url: unknown, graphUrl: string): string | undefined {
  try {
    // SharePoint URLs carry spaces ("Shared Documents"); they are encoded only for the check.
    checkFileUrl(typeof url === 'string' ? url.replace(/ /g, '%20') : url, shareRules(graphUrl));
    return undefined;
  } catch (err) {
    if (err instanceof FileRefusedError) return err.reason;
    throw err;
  }
}

/** Graph's file endpoints (with the app token) and SharePoint's pre-authenticated links (without). */
export function downloadRules(graphUrl: string): FileUrlRule[] {
  const graph = new URL(graphUrl);
  const v = escapeRegExp(graph.pathname.replace(/\/+$/, ''));
  return [
    {
      origin: graph.origin,
      path: new RegExp(`^${v}/shares/u![A-Za-z0-9_-]+/driveItem/content$`),
      credentials: true,
    },
    {
      origin: graph.origin,
      path: new RegExp(`^${v}/(?:teams|chats)/[^?#]+/hostedContents/[A-Za-z0-9_=.-]+/\\$value$`),
      credentials: true,
    },
    ...fileOrigins(graphUrl).map((origin) => ({
      origin,
      path: DOWNLOAD_PATH,
      query: true,
      credentials: false,
    })),
  ];
}

/** The Graph URL for a file id, refusing ids that are not a checked share URL or hosted content. */
export function graphFileUrl(fileId: string, graphUrl: string): string {
  const file = parseFileId(fileId);
  if (!file) throw new FileRefusedError('the file reference is not a Teams file');
  if (file.kind === 'hosted') return `${graphUrl}${file.path}`;
  const refused = shareUrlRefusal(file.url, graphUrl);
  if (refused) throw new FileRefusedError(refused);
  return `${graphUrl}/shares/${shareToken(file.url)}/driveItem/content`;
}

/** Bytes of a Teams file through Graph; a refused token is renewed once. */
export async function downloadTeamsFile(
  d: TeamsDeps,
  fileId: string,
  maxBytes: number,
): Promise<Download> {
  const url = graphFileUrl(fileId, d.config.graph_url);
  for (let attempt = 0; ; attempt++) {
    const token = await d.tokens.get(GRAPH_SCOPE);
    try {
      const got = await fetchPlatformFile(url, {
        rules: downloadRules(d.config.graph_url),
        credentials: { authorization: `Bearer ${token}` },
        maxBytes,
        platform: 'Microsoft Graph',
        fetch: d.doFetch as unknown as FileFetch,
      });
      return { data: got.data, mimetype: got.mimetype };
    } catch (err) {
      if (err instanceof RemoteApiError && err.status === 401 && attempt === 0) {
        d.tokens.invalidate(GRAPH_SCOPE);
        continue;
      }
      throw err;
    }
  }
}
