import { malformed } from './image-errors.js';
import { startsWith, type Dimensions, type ImageFormatReader } from './image-format.js';

const RIFF = [0x52, 0x49, 0x46, 0x46] as const; // "RIFF"
const WEBP = [0x57, 0x45, 0x42, 0x50] as const; // "WEBP"
const FIRST_CHUNK = 12;
const CHUNK_HEADER = 8;
const VP8_START_CODE = [0x9d, 0x01, 0x2a] as const;
const VP8L_SIGNATURE = 0x2f;

/** Lossy bitstream: a key frame's start code, then 14-bit width and height. */
function vp8Size(data: Buffer): Dimensions {
  if (data.length < 10 || (data[0] as number) & 1 || !startsWith(data, VP8_START_CODE, 3)) {
    throw malformed('the WebP VP8 frame header does not hold');
  }
  return { width: data.readUInt16LE(6) & 0x3fff, height: data.readUInt16LE(8) & 0x3fff };
}

/** Lossless bitstream: signature byte, then 14-bit width-1 and height-1, version 0. */
function vp8lSize(data: Buffer): Dimensions {
  if (data.length < 5 || data[0] !== VP8L_SIGNATURE) {
    throw malformed('the WebP VP8L header does not hold');
  }
  const bits = data.readUInt32LE(1);
  if (bits >>> 29 !== 0) throw malformed('unknown WebP VP8L version');
  return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
}

/** Extended format: 24-bit canvas width-1 and height-1. */
function vp8xSize(data: Buffer): Dimensions {
  if (data.length < 10) throw malformed('the WebP VP8X header is too short');
  return { width: data.readUIntLE(4, 3) + 1, height: data.readUIntLE(7, 3) + 1 };
}

const SIZE_OF: Record<string, (data: Buffer) => Dimensions> = {
  'VP8 ': vp8Size,
  VP8L: vp8lSize,
  VP8X: vp8xSize,
};
const IMAGE_CHUNKS = new Set(['VP8 ', 'VP8L', 'ANMF']);

/**
 * The RIFF length must be the file's, and the chunks must tile it exactly: nothing rides
 * along after the image. The first chunk gives the dimensions; some chunk holds a picture.
 */
function walkChunks(bytes: Buffer): Dimensions {
  if (bytes.length < FIRST_CHUNK + CHUNK_HEADER) throw malformed('truncated WebP header');
  if (bytes.readUInt32LE(4) + 8 !== bytes.length) {
    throw malformed('the WebP length does not match the file (truncated or extended)');
  }
  let size: Dimensions | undefined;
  let pictured = false;
  for (let at = FIRST_CHUNK; at < bytes.length;) {
    if (at + CHUNK_HEADER > bytes.length) throw malformed('truncated WebP chunk');
    const type = bytes.subarray(at, at + 4).toString('latin1');
    const length = bytes.readUInt32LE(at + 4);
    const end = at + CHUNK_HEADER + length;
    if (end > bytes.length) throw malformed(`truncated WebP chunk`);
    if (at === FIRST_CHUNK) {
      const sizeOf = SIZE_OF[type];
      if (!sizeOf) throw malformed('the WebP does not start with an image header');
      size = sizeOf(bytes.subarray(at + CHUNK_HEADER, end));
    }
    if (IMAGE_CHUNKS.has(type)) pictured = true;
    at = end + (length & 1); // chunks are padded to an even length
  }
  if (!size || !pictured) throw malformed('the WebP holds no picture');
  if (size.width === 0 || size.height === 0) throw malformed('a WebP dimension is zero');
  return size;
}

export const webpReader: ImageFormatReader = {
  format: 'webp',
  mimetype: 'image/webp',
  extension: 'webp',
  matches: (bytes) => startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8),
  read: walkChunks,
};
