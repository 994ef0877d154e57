/**
 * The one place a platform message's text is made safe and complete for the other sides:
 * mentions a sender could only have forged with markup are defused, and `@names` of the
 * portal's Matrix members become real mentions.
 */
import type { FormattedText, MentionTarget } from '../../model/message.js';
import { mapMentions, platformMentionsOnly } from '../mentions.js';
import { mentionMembersByName, type MentionableMember } from '../name-mentions.js';
import type { DeliveryDeps } from './deps.js';

export interface TextOrigin {
  connector: string;
  workspace: string;
  roomId: string;
}

/**
 * Members a platform text may name: not the bridge bot, and not the ghosts of the sender's
 * own workspace (the platform's own mentions reach those people natively).
 */
function nameable(
  members: readonly MentionableMember[],
  origin: TextOrigin,
  deps: DeliveryDeps,
): MentionableMember[] {
  return members.filter((m) => {
    if (m.userId === deps.gateway.botUserId) return false;
    const ghost = deps.codec.decode(m.userId);
    return !(ghost && ghost.connector === origin.connector && ghost.workspace === origin.workspace);
  });
}

/** Mentions of our own ghosts as remote mentions, so their platform renders them natively. */
export function ghostMentionsAsRemote(text: FormattedText, deps: DeliveryDeps): FormattedText {
  return mapMentions(text, (t): MentionTarget => {
    if (t.kind !== 'matrix') return t;
    const ghost = deps.codec.decode(t.userId);
    return ghost ? { kind: 'remote', ...ghost } : t;
  });
}

/** A platform message's text as it may cross (see the module comment). */
export async function platformText(
  text: FormattedText,
  origin: TextOrigin,
  deps: DeliveryDeps,
): Promise<FormattedText> {
  const safe = platformMentionsOnly(text);
  // Most messages name nobody: the member list is read only when an `@` could.
  if (!JSON.stringify(safe.blocks).includes('@')) return safe;
  const members = nameable(await deps.members.of(origin.roomId), origin, deps);
  return ghostMentionsAsRemote(mentionMembersByName(safe, members), deps);
}
