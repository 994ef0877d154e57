import { BridgeError } from '../util/errors.js';
import type { ScannerFailure } from './scanner-errors.js';

export type RefusalReason = 'too_large' | 'type_not_allowed' | 'infected' | 'scanner_unavailable';

export const REFUSAL_REASONS: readonly RefusalReason[] = [
  'too_large',
  'type_not_allowed',
  'infected',
  'scanner_unavailable',
];

/** Why the media policy kept a file back; never the file's name or contents. */
export interface MediaRefusal {
  reason: RefusalReason;
  /** The type from the file's bytes. */
  type: string;
  size: number;
  /** The limit that was exceeded (too_large). */
  limit?: number;
  /** The scanner's signature name (infected). */
  signature?: string;
  /** What went wrong with the scanner (scanner_unavailable). */
  failure?: ScannerFailure;
}

const CODES = {
  too_large: 'FILE_TOO_LARGE',
  type_not_allowed: 'MEDIA_TYPE_NOT_ALLOWED',
  infected: 'MEDIA_INFECTED',
  scanner_unavailable: 'MEDIA_SCANNER_UNAVAILABLE',
} as const;

/** What the sender is told: what happened and what to do, in words (see docs/errors.md). */
export function refusalWords(r: MediaRefusal): string {
  switch (r.reason) {
    case 'too_large':
      return `the file is ${r.size} bytes, over the limit of ${r.limit ?? 0} bytes for files crossing here; share a link instead`;
    case 'type_not_allowed':
      return `files of type ${r.type} (judged from the file's content, not its name) are not allowed to cross here; send it in an allowed type or ask the bridge operator`;
    case 'infected':
      return `the virus scanner found ${r.signature ?? 'malware'} in the file, so it was not delivered; tell your IT security`;
    case 'scanner_unavailable':
      return 'the virus scanner could not check the file, so it was not delivered; send it again later';
  }
}

/** One line for the audit log and the operator: reason, type, size, signature. */
export function refusalDetail(r: MediaRefusal): string {
  const parts = [`reason=${r.reason}`, `type=${r.type}`, `size=${r.size}`];
  if (r.limit !== undefined) parts.push(`limit=${r.limit}`);
  if (r.signature !== undefined) parts.push(`signature=${r.signature}`);
  if (r.failure !== undefined) parts.push(`scanner=${r.failure}`);
  return parts.join(' ');
}

/** A refused file as a delivery failure: its message is written for the sender. */
export class MediaRefusedError extends BridgeError {
  constructor(readonly refusal: MediaRefusal) {
    super(CODES[refusal.reason], refusalWords(refusal));
  }
}
