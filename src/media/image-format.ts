/**
 * Bounds on what the bridge serves as an image. A larger declared size is refused before any
 * client tries to decode it: a tiny file can announce a canvas that takes gigabytes to paint.
 */
export const IMAGE_LIMITS = { maxSide: 16_384, maxPixels: 40_000_000 } as const;

/** What a format reader learns from an image's header. */
export interface Dimensions {
  width: number;
  height: number;
}

/**
 * One raster format the bridge serves. `matches` looks only at the magic bytes; `read` walks
 * the structure and throws ImageRefusedError (MEDIA_IMAGE_MALFORMED) when it does not hold.
 */
export interface ImageFormatReader {
  readonly format: 'png' | 'jpeg' | 'gif' | 'webp';
  readonly mimetype: string;
  readonly extension: string;
  matches(bytes: Buffer): boolean;
  read(bytes: Buffer): Dimensions;
}

export interface ImageInfo extends Dimensions {
  format: ImageFormatReader['format'];
  /** From the detected format, never from what the uploader declared. */
  mimetype: string;
  extension: string;
}

export function startsWith(bytes: Buffer, magic: readonly number[], at = 0): boolean {
  return bytes.length >= at + magic.length && magic.every((b, i) => bytes[at + i] === b);
}
