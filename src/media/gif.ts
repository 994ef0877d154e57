import { malformed } from './image-errors.js';
import { type Dimensions, type ImageFormatReader } from './image-format.js';

const HEADER_LENGTH = 13; // "GIF89a" + logical screen descriptor
const IMAGE = 0x2c;
const EXTENSION = 0x21;
const TRAILER = 0x3b;

/** Size in bytes of the colour table a packed field announces (0 when there is none). */
const colourTable = (packed: number): number => (packed & 0x80 ? 3 * 2 ** ((packed & 7) + 1) : 0);

function byteAt(bytes: Buffer, at: number): number {
  const b = bytes[at];
  if (b === undefined) throw malformed('the GIF has no trailer (truncated)');
  return b;
}

/** Skips a run of data sub-blocks (size byte, data) up to its empty terminator. */
function skipSubBlocks(bytes: Buffer, from: number): number {
  let at = from;
  for (let size = byteAt(bytes, at); size !== 0; size = byteAt(bytes, at)) at += size + 1;
  return at + 1;
}

/** An image descriptor, its local colour table and its LZW-coded data. */
function skipImage(bytes: Buffer, from: number): number {
  const descriptorEnd = from + 10;
  if (descriptorEnd > bytes.length) throw malformed('truncated GIF image descriptor');
  const at = descriptorEnd + colourTable(bytes[from + 9] as number);
  const minCodeSize = byteAt(bytes, at);
  if (minCodeSize < 1 || minCodeSize > 11) throw malformed('impossible GIF LZW code size');
  return skipSubBlocks(bytes, at + 1);
}

/**
 * Walks every block from the logical screen to the trailer: at least one image, and the file
 * must end right after the trailer, so nothing (script, HTML) rides along after the image.
 */
function walkBlocks(bytes: Buffer): Dimensions {
  if (bytes.length < HEADER_LENGTH) throw malformed('truncated GIF header');
  const width = bytes.readUInt16LE(6);
  const height = bytes.readUInt16LE(8);
  if (width === 0 || height === 0) throw malformed('a GIF dimension is zero');
  let at = HEADER_LENGTH + colourTable(bytes[10] as number);
  let images = 0;
  for (;;) {
    const block = byteAt(bytes, at);
    if (block === TRAILER) {
      if (images === 0) throw malformed('the GIF has no image');
      if (at + 1 !== bytes.length) throw malformed('bytes follow the end of the GIF');
      return { width, height };
    }
    if (block === IMAGE) {
      at = skipImage(bytes, at);
      images++;
    } else if (block === EXTENSION) {
      at = skipSubBlocks(bytes, at + 2);
    } else {
      throw malformed('an unknown GIF block');
    }
  }
}

export const gifReader: ImageFormatReader = {
  format: 'gif',
  mimetype: 'image/gif',
  extension: 'gif',
  matches: (bytes) => /^GIF8[79]a/.test(bytes.subarray(0, 6).toString('latin1')),
  read: walkBlocks,
};
