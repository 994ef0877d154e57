/**
 * Pieces every connector needs to write a Matrix message in its platform's markup: which
 * mentions name people of the platform itself (they become native @mentions there), and how
 * an emote reads once it leaves Matrix.
 */
import { forEachInline } from '../format/inline.js';
import type { FormattedText, Inline, MentionTarget } from '../model/message.js';

export type RemoteMention = Extract<MentionTarget, { kind: 'remote' }>;

/** A mention of a person of `workspace` on `connectorId`, i.e. one the platform can notify. */
export function isOwnMention(
  connectorId: string,
  workspace: string,
): (t: MentionTarget) => t is RemoteMention {
  return (t): t is RemoteMention =>
    t.kind === 'remote' && t.connector === connectorId && t.workspace === workspace;
}

/**
 * The usernames of the platform's own people mentioned in `text`, each looked up once, as the
 * renderer's `usernameFor`: undefined for everyone else (and for people not found), who are
 * then written by name.
 */
export async function ownMentionNames(
  text: FormattedText,
  isOwn: (t: MentionTarget) => t is RemoteMention,
  usernameOf: (userId: string) => Promise<string | undefined>,
): Promise<(t: MentionTarget) => string | undefined> {
  const wanted = new Set<string>();
  forEachInline(text.blocks, (n) => {
    if (n.type === 'mention' && isOwn(n.target)) wanted.add(n.target.userId);
  });
  const names = new Map<string, string>();
  for (const id of wanted) {
    const name = await usernameOf(id);
    if (name) names.set(id, name);
  }
  return (t) => (isOwn(t) ? names.get(t.userId) : undefined);
}

/** An emote as Matrix clients show it: the actor's name in italics, then the action. */
export function withEmoteActor(text: FormattedText, name: string): FormattedText {
  const actor: Inline = { type: 'italic', children: [{ type: 'text', text: name }] };
  const [first, ...rest] = text.blocks;
  if (first?.type === 'paragraph') {
    return {
      blocks: [
        { ...first, children: [actor, { type: 'text', text: ' ' }, ...first.children] },
        ...rest,
      ],
    };
  }
  return { blocks: [{ type: 'paragraph', children: [actor] }, ...text.blocks] };
}
