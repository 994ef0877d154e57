import { malformed } from './image-errors.js';
import { startsWith, type Dimensions, type ImageFormatReader } from './image-format.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] as const;
const IHDR_LENGTH = 13;
/** Length, type and CRC around every chunk's data. */
const CHUNK_OVERHEAD = 12;

/** Bit depths allowed for each colour type (PNG specification, table 11.1). */
const DEPTHS: Record<number, readonly number[]> = {
  0: [1, 2, 4, 8, 16],
  2: [8, 16],
  3: [1, 2, 4, 8],
  4: [8, 16],
  6: [8, 16],
};

function chunkType(bytes: Buffer, at: number): string {
  const type = bytes.subarray(at + 4, at + 8);
  // Chunk types are four ASCII letters; anything else means these are not PNG chunks.
  if (!/^[A-Za-z]{4}$/.test(type.toString('latin1')))
    throw malformed('a chunk type is not letters');
  return type.toString('latin1');
}

function readHeader(bytes: Buffer): Dimensions {
  const at = SIGNATURE.length;
  if (bytes.length < at + CHUNK_OVERHEAD + IHDR_LENGTH) throw malformed('truncated PNG header');
  if (bytes.readUInt32BE(at) !== IHDR_LENGTH || chunkType(bytes, at) !== 'IHDR') {
    throw malformed('the PNG does not start with its IHDR chunk');
  }
  const width = bytes.readUInt32BE(at + 8);
  const height = bytes.readUInt32BE(at + 12);
  const [depth, colour, compression, filter, interlace] = bytes.subarray(at + 16, at + 21);
  if (width === 0 || height === 0) throw malformed('a PNG dimension is zero');
  if (!DEPTHS[colour as number]?.includes(depth as number)) {
    throw malformed('impossible PNG colour type and bit depth');
  }
  if (compression !== 0 || filter !== 0 || (interlace !== 0 && interlace !== 1)) {
    throw malformed('unknown PNG compression, filter or interlace method');
  }
  return { width, height };
}

/**
 * Walks every chunk: each must fit in the file, image data must be there, and the file must
 * end exactly with IEND, so nothing (HTML, script) rides along after the image.
 */
function walkChunks(bytes: Buffer): void {
  let at: number = SIGNATURE.length;
  let sawData = false;
  while (at < bytes.length) {
    if (at + CHUNK_OVERHEAD > bytes.length) throw malformed('truncated PNG chunk');
    const length = bytes.readUInt32BE(at);
    const type = chunkType(bytes, at);
    const end = at + CHUNK_OVERHEAD + length;
    if (end > bytes.length) throw malformed(`truncated PNG ${type} chunk`);
    if (type === 'IDAT') sawData = true;
    if (type === 'IEND') {
      if (!sawData) throw malformed('the PNG has no image data');
      if (end !== bytes.length) throw malformed('bytes follow the end of the PNG');
      return;
    }
    at = end;
  }
  throw malformed('the PNG has no IEND chunk (truncated)');
}

export const pngReader: ImageFormatReader = {
  format: 'png',
  mimetype: 'image/png',
  extension: 'png',
  matches: (bytes) => startsWith(bytes, SIGNATURE),
  read(bytes) {
    const size = readHeader(bytes);
    walkChunks(bytes);
    return size;
  },
};
