/**
 * What the fault streams carry besides text, and what must be true at the end. Every
 * `ACT_EVERY`-th message of a sender (index i with i % ACT_EVERY === ACT_EVERY - 1) is
 * followed by: an edit of message i-4, a reaction to message i-3, a deletion of message
 * i-2, and a file. The tally then checks, per kind, that each arrived exactly once and (for
 * texts, edits and files) in order.
 */
import { tallyWithDetail, type Tally } from './tally.js';

export const ACT_EVERY = 5;
export const KINDS = ['text', 'edit', 'reaction', 'delete', 'file'] as const;
export type Kind = (typeof KINDS)[number];

export const text = (tag: string, dir: 'mx' | 'pf', room: number, i: number): string =>
  `${tag}-${dir}-r${room}-${i}`;
export const edited = (original: string): string => `${original}-ed`;
export const fileName = (tag: string, dir: 'mx' | 'pf', room: number, i: number): string =>
  `${tag}-${dir}-file-r${room}-${i}.txt`;

/** Whether message `i` is followed by the other kinds. */
export const actsAfter = (i: number): boolean => i % ACT_EVERY === ACT_EVERY - 1;

/** What one sender's stream must leave on the other side. */
export interface Expected {
  /** Texts as they must read now (edited ones edited, deleted ones gone), in order. */
  texts: string[];
  edits: string[];
  /** Texts (as they read now) of the messages that carry exactly one reaction. */
  reactions: string[];
  /** Texts that must be gone. */
  deleted: string[];
  files: string[];
}

export function expected(
  tag: string,
  dir: 'mx' | 'pf',
  room: number,
  perRoom: number,
  withKinds: boolean,
  /** False when the stream carries no reactions in this direction (see `actsAfter`). */
  reactions = true,
): Expected {
  const all = Array.from({ length: perRoom }, (_, i) => text(tag, dir, room, i));
  if (!withKinds) return { texts: all, edits: [], reactions: [], deleted: [], files: [] };
  const editedAt = new Set<number>();
  const reactedAt = new Set<number>();
  const deletedAt = new Set<number>();
  const files: string[] = [];
  for (let i = 0; i < perRoom; i++) {
    if (!actsAfter(i)) continue;
    editedAt.add(i - 4);
    if (reactions) reactedAt.add(i - 3);
    deletedAt.add(i - 2);
    files.push(fileName(tag, dir, room, i));
  }
  const now = (i: number): string => (editedAt.has(i) ? edited(all[i]!) : all[i]!);
  const kept = all.map((_, i) => i).filter((i) => !deletedAt.has(i));
  return {
    texts: kept.map(now),
    edits: [...editedAt].sort((a, b) => a - b).map(now),
    reactions: [...reactedAt].sort((a, b) => a - b).map(now),
    deleted: [...deletedAt].sort((a, b) => a - b).map((i) => all[i]!),
    files,
  };
}

/** One side's view of the other side's stream: messages in order, with reactions and files. */
export interface Received {
  posts: Array<{ text: string; reactions: number; files: string[] }>;
}

export type KindTallies = Record<Kind, Tally>;
export type KindMissing = Record<Kind, string[]>;

/** Per kind: sent, delivered, duplicated, lost, reordered; and what is missing or doubled. */
export function tallyKinds(
  e: Expected,
  r: Received,
): { tallies: KindTallies; missing: KindMissing; duplicates: string[]; arrival?: number[] } {
  const texts = r.posts.map((p) => p.text.trim());
  const files = r.posts.flatMap((p) => p.files);
  const t = tallyWithDetail(e.texts, texts);
  const ed = tallyWithDetail(e.edits, texts);
  const f = tallyWithDetail(e.files, files);
  const reactions = reactionTally(e.reactions, r);
  const stillThere = e.deleted.filter((d) => texts.includes(d));
  const deletes: Tally = {
    sent: e.deleted.length,
    delivered: e.deleted.length - stillThere.length,
    duplicated: 0,
    lost: stillThere.length,
    reordered: 0,
  };
  return {
    tallies: {
      text: t.tally,
      edit: ed.tally,
      reaction: reactions.tally,
      delete: deletes,
      file: f.tally,
    },
    missing: {
      text: t.detail.missing,
      edit: ed.detail.missing,
      reaction: reactions.missing,
      delete: stillThere,
      file: f.detail.missing,
    },
    duplicates: [...t.detail.duplicates, ...f.detail.duplicates, ...reactions.duplicates],
    arrival: t.detail.arrival,
  };
}

function reactionTally(targets: string[], r: Received) {
  const missing: string[] = [];
  const duplicates: string[] = [];
  let extra = 0;
  for (const target of targets) {
    const count = r.posts
      .filter((p) => p.text.trim() === target)
      .reduce((n, p) => n + p.reactions, 0);
    if (count === 0) missing.push(target);
    if (count > 1) {
      duplicates.push(`reaction on ${target} x${count}`);
      extra += count - 1;
    }
  }
  const tally: Tally = {
    sent: targets.length,
    delivered: targets.length - missing.length,
    duplicated: extra,
    lost: missing.length,
    reordered: 0,
  };
  return { tally, missing, duplicates };
}
