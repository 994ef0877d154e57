import { createHash, randomBytes, randomUUID } from 'node:crypto';

export const guid = (): string => randomUUID();

/** Bot Framework id of a user (`29:…`), derived from the AAD object id like Teams' opaque ids. */
export function botFrameworkUserId(aadId: string): string {
  return `29:1${createHash('sha256').update(aadId).digest('base64url').slice(0, 40)}`;
}

export const botFrameworkBotId = (appId: string): string => `28:${appId}`;

/** Teams thread ids: channels end in `@thread.tacv2`, group chats in `@thread.v2`. */
export function threadId(kind: 'channel' | 'chat'): string {
  return `19:${randomBytes(16).toString('hex')}@thread.${kind === 'channel' ? 'tacv2' : 'v2'}`;
}

let lastMessageId = 0;

/** Teams message ids are the creation time in ms; unique and increasing within the process. */
export function messageId(now = Date.now()): string {
  lastMessageId = Math.max(lastMessageId + 1, now);
  return String(lastMessageId);
}

export const token = (): string => randomBytes(32).toString('base64url');
