import { gifReader } from './gif.js';
import { ImageRefusedError, malformed } from './image-errors.js';
import { IMAGE_LIMITS, type ImageFormatReader, type ImageInfo } from './image-format.js';
import { jpegReader } from './jpeg.js';
import { pngReader } from './png.js';
import { webpReader } from './webp.js';

export { IMAGE_LIMITS, type ImageInfo } from './image-format.js';

const READERS: readonly ImageFormatReader[] = [pngReader, jpegReader, gifReader, webpReader];

/**
 * What raster image `bytes` are, judged by the bytes alone (never by a declared content type
 * or file name): PNG, JPEG, GIF or WebP whose structure holds from the first byte to the
 * last. Anything else throws ImageRefusedError with a stable code.
 */
export function sniffImage(bytes: Buffer): ImageInfo {
  const reader = READERS.find((r) => r.matches(bytes));
  if (!reader) throw new ImageRefusedError('MEDIA_NOT_AN_IMAGE', `${bytes.length} bytes`);
  let size;
  try {
    size = reader.read(bytes);
  } catch (err) {
    if (err instanceof ImageRefusedError) throw err;
    // Buffer reads past the end throw RangeError: the file stops inside a structure.
    throw malformed(`truncated ${reader.format.toUpperCase()}`);
  }
  const { width, height } = size;
  if (
    width > IMAGE_LIMITS.maxSide ||
    height > IMAGE_LIMITS.maxSide ||
    width * height > IMAGE_LIMITS.maxPixels
  ) {
    throw new ImageRefusedError('MEDIA_IMAGE_TOO_LARGE', `${width}×${height} pixels`);
  }
  return {
    format: reader.format,
    mimetype: reader.mimetype,
    extension: reader.extension,
    width,
    height,
  };
}
