import { clockTime, type NoticeSubject } from './notice-subject.js';

/** How the bridge itself signs what it posts on the platforms (notices, not relayed messages). */
export const BRIDGE_SENDER_NAME = 'Matrix bridge';

/** One side that did not get an item, in member words (see failure-wording.ts). */
export interface NoticeProblem {
  /** E.g. "Chat X (agency-a)", "Matrix"; empty when no side was tried yet. */
  side: string;
  reason: string;
  advice: string;
}

/** The failures a notice (or its latest edit) tells about: one, or a burst of them. */
export interface NoticeBurst {
  count: number;
  first: NoticeSubject;
  last: NoticeSubject;
  /** Distinct side and reason, with how many items each, in order of first appearance. */
  problems: Array<NoticeProblem & { count: number }>;
  /** Items whose problems were not listed (beyond the distinct ones shown). */
  unlisted: number;
}

const capitalise = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * The text of a failure notice: what failed (a short quote and the time), where and why, and
 * what to do. Never an id, an error code or a platform's own error text: those are in the
 * operator log (`delivery failed permanently`, with inbox id and event key) and the admin
 * API's failure listing.
 */
export function noticeText(burst: NoticeBurst): string {
  const lines = [`⚠️ ${headline(burst)}`];
  for (const p of burst.problems) {
    const advice = p.advice ? ` ${capitalise(p.advice)}.` : '';
    const label = problemLabel(p, burst.count > 1);
    lines.push(`• ${label}${label ? p.reason : capitalise(p.reason)}.${advice}`);
  }
  if (burst.unlisted > 0) lines.push(`• ${burst.unlisted} more for other reasons.`);
  return lines.join('\n');
}

/** "3 to Chat X (agency-a): ", "To Matrix: ", "3 of them: ", or nothing. */
function problemLabel(p: NoticeProblem & { count: number }, counted: boolean): string {
  const where = p.side ? `to ${p.side}` : counted ? 'of them' : '';
  const label = [counted ? String(p.count) : '', where].filter(Boolean).join(' ');
  return label ? `${capitalise(label)}: ` : '';
}

function headline(burst: NoticeBurst): string {
  const { first, last } = burst;
  if (burst.count === 1) return `Could not deliver the ${first.what} (${clockTime(first.at)}).`;
  const span =
    clockTime(first.at) === clockTime(last.at)
      ? `at ${clockTime(first.at)}`
      : `between ${clockTime(first.at)} and ${clockTime(last.at)}`;
  return (
    `Could not deliver ${burst.count} messages or changes ${span}, ` +
    `from the ${first.what} to the ${last.what}.`
  );
}
