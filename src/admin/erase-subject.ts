/** Who an erasure is about, as the ways in give it, checked before anything is touched. */
import type { GhostIdCodec } from '../core/ids.js';
import { AdminError } from './errors.js';

export type ErasureSubject =
  | { kind: 'matrix'; userId: string }
  | { kind: 'platform'; connector: string; workspace: string; userId: string };

const MAX_ID = 255;
const MATRIX_USER_ID = /^@[^\s:]+:[^\s]+$/;
// Control characters and whitespace are in no platform's user ids; refusing them keeps a
// pasted line break or a hidden character from erasing the wrong (or no) person.
const NOT_AN_ID = /[\s\p{Cc}\p{Cf}]/u;

/** How a subject reads in messages and the audit log's pseudonym input. */
export function subjectName(s: ErasureSubject): string {
  return s.kind === 'matrix' ? s.userId : `${s.connector}/${s.workspace}/${s.userId}`;
}

/** `@user:server`, or `<connector> <workspace> <platform user id>`, from command words. */
export function subjectFromWords(words: string[]): ErasureSubject | undefined {
  if (words.length === 1 && words[0]!.startsWith('@')) return { kind: 'matrix', userId: words[0]! };
  if (words.length === 3) {
    const [connector, workspace, userId] = words as [string, string, string];
    return { kind: 'platform', connector, workspace, userId };
  }
  return undefined;
}

export interface SubjectCheck {
  botUserId: string;
  codec: Pick<GhostIdCodec, 'isGhost'>;
}

/** Refuses a subject that is malformed or is the bridge itself (its bot or a ghost). */
export function checkSubject(s: ErasureSubject, c: SubjectCheck): void {
  if (s.userId.length === 0 || s.userId.length > MAX_ID || NOT_AN_ID.test(s.userId)) {
    throw new AdminError(
      'INVALID_REQUEST',
      `"${s.userId.slice(0, 80)}" is not a user id: give the id exactly (1–${MAX_ID} characters, no spaces or control characters)`,
      { field: 'user_id' },
    );
  }
  if (s.kind === 'platform') return;
  if (!MATRIX_USER_ID.test(s.userId)) {
    throw new AdminError(
      'INVALID_REQUEST',
      `"${s.userId.slice(0, 80)}" is not a Matrix user id (@user:server)`,
      { field: 'matrix_user_id' },
    );
  }
  if (s.userId === c.botUserId || c.codec.isGhost(s.userId)) {
    throw new AdminError(
      'INVALID_REQUEST',
      `${s.userId} is the bridge's own account: to erase a platform user, give ` +
        '<connector> <workspace> <platform user id> instead',
      { field: 'matrix_user_id' },
    );
  }
}
