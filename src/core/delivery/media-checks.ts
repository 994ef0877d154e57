/**
 * The media policy applied at each place a file crosses: Matrix to a platform (a refused
 * file fails that side, and the Matrix sender gets the failure notice), a platform to Matrix
 * and a platform to another platform (the file is left out with a note, and the platform
 * sender is told in their own channel by the bridge).
 */
import type { ChannelRef } from '../../connector/contract.js';
import type { InspectedFile } from '../../media/media-policy.js';
import { MediaRefusedError, refusalWords, type MediaRefusal } from '../../media/media-refusal.js';
import type { Crossing } from '../../media/media-rules.js';
import type { OutgoingAttachment, OutboundContent } from '../../model/message.js';
import type { DeliveryDeps } from './deps.js';
import type { RefusalContext, RefusalOnce } from './media-gate.js';
import type { RefusalMarks } from './refusal-marks.js';
import type { RelayedContent } from './remote-files.js';
import type { RemoteSide } from './sides.js';

/** A file sniffed (and scanned) once however many sides it goes to. */
const inspections = new WeakMap<Buffer, InspectedFile>();

export function inspectOnce(deps: DeliveryDeps, data: Buffer): InspectedFile {
  let file = inspections.get(data);
  if (!file) {
    file = deps.media.inspect(data);
    inspections.set(data, file);
  }
  return file;
}

/** Where a refused file was going, in the words of the sender's notice. */
export interface RefusedFile {
  name: string;
  where: string;
  refusal: MediaRefusal;
}

function contextFor(sender: string, roomId: string, s: RemoteSide): RefusalContext {
  return { sender, roomId, connector: s.conn.id, ...s.ref };
}

function onceFor(marks: RefusalMarks | undefined, side: string, file: number) {
  return marks && ({ marks, side, file } satisfies RefusalOnce);
}

/** Matrix to a platform: throws MediaRefusedError (a failure notice) for a refused file. */
export async function refuseFilesTo(
  content: OutboundContent,
  s: RemoteSide,
  sender: string,
  roomId: string,
  deps: DeliveryDeps,
  marks?: RefusalMarks,
): Promise<void> {
  const crossing: Crossing = { direction: 'to_platform', connectors: [s.conn.id] };
  for (const [i, att] of content.attachments.entries()) {
    const file = inspectOnce(deps, att.data);
    const context = contextFor(sender, roomId, s);
    const refusal = await deps.media.check(file, crossing, context, onceFor(marks, s.side, i));
    if (refusal) throw new MediaRefusedError(refusal);
  }
}

export interface PlatformOrigin {
  connectorId: string;
  ref: ChannelRef;
  /** `connector/workspace/user` of the platform sender. */
  sender: string;
  roomId: string;
  /** The item's refusals so far: each file's refusal per side is judged and audited once. */
  marks?: RefusalMarks;
}

const TO_MATRIX = 'matrix';

function originContext(origin: PlatformOrigin): RefusalContext {
  return {
    sender: origin.sender,
    roomId: origin.roomId,
    connector: origin.connectorId,
    ...origin.ref,
  };
}

/** A platform to Matrix: the refusal of the message's `file`-th file, or undefined. */
export function checkToMatrix(
  data: Buffer,
  file: number,
  origin: PlatformOrigin,
  deps: DeliveryDeps,
): Promise<MediaRefusal | undefined> {
  return deps.media.check(
    inspectOnce(deps, data),
    { direction: 'to_matrix', connectors: [origin.connectorId] },
    originContext(origin),
    onceFor(origin.marks, TO_MATRIX, file),
  );
}

/** A platform to Matrix: the refusal of a file over every limit, never read. */
export function oversizeToMatrix(
  size: number,
  file: number,
  origin: PlatformOrigin,
  deps: DeliveryDeps,
): Promise<MediaRefusal> {
  return deps.media.oversize(
    size,
    { direction: 'to_matrix', connectors: [origin.connectorId] },
    originContext(origin),
    onceFor(origin.marks, TO_MATRIX, file),
  );
}

/**
 * A platform to another: the relayed content for side `s`, without the files the policy
 * refuses (a note says which, for the channel's readers); refusals are added to `refused`.
 */
export async function relayedFor(
  relayed: OutboundContent | RelayedContent,
  s: RemoteSide,
  origin: PlatformOrigin,
  refused: RefusedFile[],
  deps: DeliveryDeps,
): Promise<{ content: OutboundContent; notes: string[] }> {
  const crossing: Crossing = {
    direction: 'between_platforms',
    connectors: [origin.connectorId, s.conn.id],
  };
  const context = contextFor(origin.sender, origin.roomId, s);
  const positions = 'positions' in relayed ? relayed.positions : undefined;
  const kept: OutgoingAttachment[] = [];
  const notes: string[] = [];
  const refuse = (name: string, refusal: MediaRefusal) => {
    notes.push(fileNote(name, refusal));
    refused.push({ name, where: s.conn.displayName, refusal });
  };
  for (const [j, att] of relayed.attachments.entries()) {
    const once = onceFor(origin.marks, s.side, positions?.[j] ?? j);
    const refusal = await deps.media.check(inspectOnce(deps, att.data), crossing, context, once);
    if (refusal) refuse(att.name, refusal);
    else kept.push(att);
  }
  for (const big of 'oversize' in relayed ? relayed.oversize : []) {
    const once = onceFor(origin.marks, s.side, big.file);
    refuse(big.name, await deps.media.oversize(big.size, crossing, context, once));
  }
  const { oversize: _o, positions: _p, ...content } = relayed as RelayedContent;
  return { content: { ...content, attachments: kept }, notes };
}

/** The note put where a refused file would have been. */
export function fileNote(name: string, refusal: MediaRefusal): string {
  return `(file ${bounded(name)} was not bridged: ${refusalWords(refusal)})`;
}

/** What the platform sender is told in their channel about their refused files. */
export function senderNoticeText(refused: readonly RefusedFile[]): string {
  const lines = refused.map(
    (r) => `• ${bounded(r.name)} to ${r.where}: ${refusalWords(r.refusal)}.`,
  );
  const one = refused.length === 1;
  return [`⚠️ ${one ? 'Your file was' : 'Some of your files were'} not delivered:`, ...lines].join(
    '\n',
  );
}

/** Control, zero-width and direction-changing characters: `txt.exe` must not read as `exe.txt`. */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;

/** A file name as quoted in a note or notice: visible characters only, and short. */
function bounded(name: string): string {
  const clean = name.replace(HIDDEN, ' ').replace(/\s+/g, ' ').trim();
  return `“${clean.length > 80 ? `${clean.slice(0, 79)}…` : clean || 'file'}”`;
}
