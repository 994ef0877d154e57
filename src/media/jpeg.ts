import { malformed } from './image-errors.js';
import { startsWith, type Dimensions, type ImageFormatReader } from './image-format.js';

const SOI = [0xff, 0xd8, 0xff] as const;
const EOI = 0xd9;
const SOS = 0xda;

/** Start-of-frame markers carry the dimensions (C4, C8 and CC are other segments). */
const isFrameHeader = (m: number): boolean =>
  m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers without a length: restart markers and TEM. */
const isStandalone = (m: number): boolean => (m >= 0xd0 && m <= 0xd7) || m === 0x01;

function frameSize(bytes: Buffer, segment: number, length: number): Dimensions {
  if (length < 8) throw malformed('JPEG frame header too short');
  const height = bytes.readUInt16BE(segment + 3);
  const width = bytes.readUInt16BE(segment + 5);
  if (width === 0 || height === 0) throw malformed('a JPEG dimension is zero');
  return { width, height };
}

/**
 * Skips entropy-coded scan data: there 0xFF is followed by 0x00 (a stuffed byte) or a restart
 * marker; any other byte after 0xFF starts the next segment, whose offset is returned.
 */
function skipScan(bytes: Buffer, from: number): number {
  let at = from;
  for (;;) {
    const ff = bytes.indexOf(0xff, at);
    if (ff === -1 || ff + 1 >= bytes.length) throw malformed('truncated JPEG scan data');
    const next = bytes[ff + 1] as number;
    if (next === 0x00 || (next >= 0xd0 && next <= 0xd7)) at = ff + 2;
    else return ff;
  }
}

/**
 * Walks the segments from SOI to EOI: each must fit, a frame header must come before the
 * first scan, and the file must end at EOI, so nothing rides along after the image.
 */
function walkSegments(bytes: Buffer): Dimensions {
  let at = 2;
  let size: Dimensions | undefined;
  let scanned = false;
  for (;;) {
    if (at >= bytes.length) throw malformed('the JPEG has no end marker (truncated)');
    if (bytes[at] !== 0xff) throw malformed('a JPEG segment does not start with a marker');
    while (bytes[at] === 0xff) at++;
    const marker = bytes[at++];
    if (marker === undefined) throw malformed('truncated JPEG marker');
    if (marker === EOI) {
      if (!size || !scanned) throw malformed('the JPEG has no frame or no scan');
      if (at !== bytes.length) throw malformed('bytes follow the end of the JPEG');
      return size;
    }
    if (isStandalone(marker)) continue;
    if (marker === 0x00) throw malformed('a stuffed byte outside JPEG scan data');
    if (at + 2 > bytes.length) throw malformed('truncated JPEG segment');
    const length = bytes.readUInt16BE(at);
    if (length < 2 || at + length > bytes.length) throw malformed('truncated JPEG segment');
    if (isFrameHeader(marker)) size = frameSize(bytes, at, length);
    at += length;
    if (marker === SOS) {
      if (!size) throw malformed('a JPEG scan before its frame header');
      scanned = true;
      at = skipScan(bytes, at);
    }
  }
}

export const jpegReader: ImageFormatReader = {
  format: 'jpeg',
  mimetype: 'image/jpeg',
  extension: 'jpg',
  matches: (bytes) => startsWith(bytes, SOI),
  read: walkSegments,
};
