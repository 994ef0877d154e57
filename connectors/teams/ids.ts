/**
 * Id handling the connector owns: Teams conversation ids (`19:…@thread.tacv2;messageid=…`),
 * what kind of conversation an id names, and the opaque file ids handed to the core
 * (`share:` + base64url(sharing URL), `hc:` + a hosted-content Graph path) — validated on the
 * way back so a file id can only ever make the connector fetch from Graph.
 */

export type ConversationKind = 'channel' | 'groupChat' | 'personal';

/** `19:x@thread.tacv2;messageid=123` → channel `19:x@thread.tacv2`, thread root `123`. */
export function splitConversationId(id: string): { channel: string; root?: string } {
  const [channel, ...rest] = id.split(';');
  const m = /^messageid=(\d{1,20})$/.exec(rest.join(';'));
  return { channel: channel!, root: m?.[1] };
}

export function kindOf(channel: string): ConversationKind {
  if (channel.startsWith('a:') || channel.startsWith('8:')) return 'personal';
  if (/@thread\.(tacv2|skype)$/.test(channel)) return 'channel';
  return 'groupChat';
}

/** The Graph chat id of a bot's one-to-one chat with a user. */
export const personalChatGraphId = (userAadId: string, appId: string) =>
  `19:${userAadId}_${appId}@unq.gbl.spaces`;

const HOSTED =
  /^\/(teams\/[0-9a-fA-F-]{36}\/channels\/[^/?#]+\/messages\/\d+(\/replies\/\d+)?|chats\/[^/?#]+\/messages\/\d+)\/hostedContents\/[A-Za-z0-9_=.-]+\/\$value$/;

export type FileRef =
  { kind: 'share'; url: string } | { kind: 'hosted'; path: string } | { kind: 'bot'; url: string };

export function shareFileId(url: string): string {
  return `share:${Buffer.from(url, 'utf8').toString('base64url')}`;
}

/** A file a user sent to the bot, kept by the Bot Connector (`…/v3/attachments/{id}/views/…`). */
export function botAttachmentFileId(url: string): string {
  return `bf:${Buffer.from(url, 'utf8').toString('base64url')}`;
}

/**
 * A hosted-content image URL under `graphUrl` → file id, or undefined if it is anything else.
 * With `messageId`, only content of that message: a sender must not be able to make the bridge
 * copy an image of another conversation into this one.
 */
export function hostedFileId(
  src: string,
  graphUrl: string,
  messageId?: string,
): string | undefined {
  if (!src.startsWith(`${graphUrl}/`)) return undefined;
  let path: string;
  try {
    path = decodeURI(src.slice(graphUrl.length));
  } catch {
    return undefined;
  }
  if (!HOSTED.test(path)) return undefined;
  if (messageId !== undefined && !path.includes(`/${messageId}/hostedContents/`)) return undefined;
  return `hc:${path}`;
}

export function parseFileId(fileId: string): FileRef | undefined {
  if (fileId.startsWith('share:')) {
    const url = Buffer.from(fileId.slice(6), 'base64url').toString('utf8');
    return /^https:\/\/[^\s]+$/.test(url) ? { kind: 'share', url } : undefined;
  }
  if (fileId.startsWith('bf:')) {
    const url = Buffer.from(fileId.slice(3), 'base64url').toString('utf8');
    return /^https:\/\/[^\s]+$/.test(url) ? { kind: 'bot', url } : undefined;
  }
  if (fileId.startsWith('hc:') && HOSTED.test(fileId.slice(3)))
    return { kind: 'hosted', path: fileId.slice(3) };
  return undefined;
}

/** Graph's sharing-URL token: `u!` + unpadded base64url. */
export const shareToken = (url: string) => `u!${Buffer.from(url, 'utf8').toString('base64url')}`;
