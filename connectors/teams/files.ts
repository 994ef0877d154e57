/**
 * Files of Teams messages. A file card names a SharePoint/OneDrive URL; the bridge accepts
 * only https URLs of the tenant's SharePoint (`*.sharepoint.com` and the national clouds) and
 * never fetches them itself: it asks Graph for `/shares/{token}/driveItem/content`, with the
 * app token sent to Graph only. Graph answers with a redirect to a pre-authenticated
 * SharePoint `download.aspx` link, which is followed without any token; every other hop, and
 * every card pointing elsewhere, is refused. Inline images are Graph hosted contents of the
 * same message. Files users send to the bot in a personal chat come from the Bot Connector's
 * attachment endpoint at the conversation's verified serviceUrl, fetched with the bot token.
 */
import {
  checkFileUrl,
  type Download,
  escapeRegExp,
  fetchPlatformFile,
  type FileFetch,
  FileRefusedError,
  type FileUrlRule,
  RemoteApiError,
} from '../../src/connector/index.js';
import { BOT_CONNECTOR_SCOPE, GRAPH_SCOPE } from './auth/app-tokens.js';
import type { TeamsConfig } from './config.js';
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

/** `…/v3/attachments/{id}/views/{view}` under a serviceUrl (which may have a region path). */
const BOT_ATTACHMENT_PATH =
  /^(?:\/[A-Za-z0-9_-]+){0,2}\/v3\/attachments\/[A-Za-z0-9_=-]+\/views\/[A-Za-z0-9_-]+$/;

/**
 * The Bot Connector's attachment endpoint on the trusted service hosts, https on the default
 * port (or the configured default service URL's origin): the bot token goes there.
 */
function botAttachmentRules(config: TeamsConfig): FileUrlRule[] {
  const origins = new Set(config.service_url_hosts.map((h) => `https://${h}`));
  origins.add(new URL(config.default_service_url).origin);
  return [...origins].map((origin) => ({ origin, path: BOT_ATTACHMENT_PATH, credentials: true }));
}

/**
 * Why a file a user sent to the bot will not be fetched, or undefined: it must be the Bot
 * Connector's attachment endpoint at the activity's own (verified) serviceUrl.
 */
export function botAttachmentRefusal(
  url: unknown,
  serviceUrl: string | undefined,
  config: TeamsConfig,
): string | undefined {
  if (typeof url !== 'string' || !serviceUrl || !url.startsWith(new URL(serviceUrl).origin + '/'))
    return 'the attachment is not at the conversation’s Bot Connector service';
  try {
    checkFileUrl(url, botAttachmentRules(config));
    return undefined;
  } catch (err) {
    if (err instanceof FileRefusedError) return err.reason;
    throw err;
  }
}

interface FileRequest {
  url: string;
  rules: FileUrlRule[];
  scope: string;
}

/** Where a file id is fetched and with which token, refusing ids that are not a checked file. */
export function fileRequest(fileId: string, config: TeamsConfig): FileRequest {
  const file = parseFileId(fileId);
  if (!file) throw new FileRefusedError('the file reference is not a Teams file');
  const graphUrl = config.graph_url;
  const graph = { rules: downloadRules(graphUrl), scope: GRAPH_SCOPE };
  if (file.kind === 'hosted') return { url: `${graphUrl}${file.path}`, ...graph };
  if (file.kind === 'bot') {
    return { url: file.url, rules: botAttachmentRules(config), scope: BOT_CONNECTOR_SCOPE };
  }
  const refused = shareUrlRefusal(file.url, graphUrl);
  if (refused) throw new FileRefusedError(refused);
  return { url: `${graphUrl}/shares/${shareToken(file.url)}/driveItem/content`, ...graph };
}

/** Bytes of a Teams file (Graph or the Bot Connector); a refused token is renewed once. */
export async function downloadTeamsFile(
  d: TeamsDeps,
  fileId: string,
  maxBytes: number,
): Promise<Download> {
  const { url, rules, scope } = fileRequest(fileId, d.config);
  for (let attempt = 0; ; attempt++) {
    const token = await d.tokens.get(scope);
    try {
      const got = await fetchPlatformFile(url, {
        rules,
        credentials: { authorization: `Bearer ${token}` },
        maxBytes,
        platform: scope === GRAPH_SCOPE ? 'Microsoft Graph' : 'the Bot Connector',
        fetch: d.doFetch as unknown as FileFetch,
      });
      return { data: got.data, mimetype: got.mimetype };
    } catch (err) {
      if (err instanceof RemoteApiError && err.status === 401 && attempt === 0) {
        d.tokens.invalidate(scope);
        continue;
      }
      throw err;
    }
  }
}
