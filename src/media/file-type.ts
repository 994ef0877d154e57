import { gifReader } from './gif.js';
import type { ImageFormatReader } from './image-format.js';
import { startsWith } from './image-format.js';
import { jpegReader } from './jpeg.js';
import { pngReader } from './png.js';
import { textType } from './text-kind.js';
import { webpReader } from './webp.js';
import { hasTrailingZip, looksLikeZip, zipType } from './zip-kind.js';

/** What the bridge calls bytes it does not recognise (or that are two formats at once). */
export const UNKNOWN_TYPE = 'application/octet-stream';

/** One format recognised by its leading bytes; `verify` checks the structure behind them. */
interface Signature {
  type: string;
  matches(bytes: Buffer): boolean;
  verify?(bytes: Buffer): boolean;
}

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

function imageSignature(reader: ImageFormatReader): Signature {
  return {
    type: reader.mimetype,
    matches: (bytes) => reader.matches(bytes),
    verify(bytes) {
      try {
        reader.read(bytes);
        return true;
      } catch {
        // Truncated, or bytes after the image's end (a polyglot): not this format.
        return false;
      }
    },
  };
}

/** MPEG audio layer III frame sync: eleven set bits, then version and layer bits. */
function mp3Frame(bytes: Buffer): boolean {
  const b1 = bytes[1] ?? 0;
  return bytes[0] === 0xff && (b1 & 0xe0) === 0xe0 && (b1 & 0x06) === 0x02 && (b1 & 0x18) !== 0x08;
}

/** `MZ`, and the DOS header's pointer (at 0x3c) leads to the `PE\0\0` signature. */
function peExecutable(bytes: Buffer): boolean {
  if (!startsWith(bytes, ascii('MZ')) || bytes.length < 0x40) return false;
  return startsWith(bytes, ascii('PE\0\0'), bytes.readUInt32LE(0x3c));
}

function riff(form: string): (bytes: Buffer) => boolean {
  return (bytes) => startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii(form), 8);
}

/** The table, most specific first: a format's magic bytes and what they mean. */
const SIGNATURES: readonly Signature[] = [
  imageSignature(pngReader),
  imageSignature(jpegReader),
  imageSignature(gifReader),
  imageSignature(webpReader),
  { type: 'application/pdf', matches: (b) => startsWith(b, ascii('%PDF-')) },
  { type: 'audio/mp4', matches: (b) => startsWith(b, ascii('ftypM4A '), 4) },
  { type: 'video/mp4', matches: (b) => startsWith(b, ascii('ftyp'), 4) },
  { type: 'audio/mpeg', matches: (b) => startsWith(b, ascii('ID3')) || mp3Frame(b) },
  { type: 'audio/ogg', matches: (b) => startsWith(b, ascii('OggS\0')) },
  { type: 'audio/wav', matches: riff('WAVE') },
  { type: 'application/x-executable', matches: (b) => startsWith(b, [0x7f, ...ascii('ELF')]) },
  { type: 'application/x-msdownload', matches: peExecutable },
];

/** Every type the sniffer can answer with, for validating allow-lists. */
export const KNOWN_TYPES: readonly string[] = [
  ...new Set([
    ...SIGNATURES.map((s) => s.type),
    'application/zip',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
    'text/plain',
    'text/html',
    'text/x-script',
    UNKNOWN_TYPE,
  ]),
];

/**
 * The type of a file judged by its bytes alone, never by its declared type or name. A
 * format's magic with a structure that does not hold (truncated), or with a ZIP archive
 * appended (a polyglot two programs read differently), is UNKNOWN_TYPE.
 */
export function sniffFileType(bytes: Buffer): string {
  if (looksLikeZip(bytes)) return zipType(bytes) ?? UNKNOWN_TYPE;
  const signature = SIGNATURES.find((s) => s.matches(bytes));
  if (signature) {
    if (signature.verify && !signature.verify(bytes)) return UNKNOWN_TYPE;
    return hasTrailingZip(bytes) ? UNKNOWN_TYPE : signature.type;
  }
  if (hasTrailingZip(bytes)) return UNKNOWN_TYPE;
  return textType(bytes) ?? UNKNOWN_TYPE;
}
