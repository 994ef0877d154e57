import { BridgeError } from '../util/errors.js';
import { IMAGE_LIMITS } from './image-format.js';

/**
 * Why the bridge will not serve some bytes as an image (documented in docs/errors.md). The
 * message names the reason for the operator's log; it never quotes the bytes themselves.
 */
export const IMAGE_REFUSALS = {
  /** Not PNG, JPEG, GIF or WebP by its first bytes (SVG, HTML, XML, PDF, empty, …). */
  MEDIA_NOT_AN_IMAGE: {
    reason: 'is not a PNG, JPEG, GIF or WebP image',
    advice: 'use a PNG, JPEG, GIF or WebP picture',
  },
  /** The magic bytes of a format, but the structure behind them does not hold. */
  MEDIA_IMAGE_MALFORMED: {
    reason: 'is not a well-formed image',
    advice: 'save the picture again with an image editor and upload that',
  },
  /** Declared dimensions beyond what an avatar or picture can sensibly be. */
  MEDIA_IMAGE_TOO_LARGE: {
    reason: 'declares dimensions larger than the bridge serves',
    advice: `use a picture of at most ${IMAGE_LIMITS.maxSide} pixels a side and ${IMAGE_LIMITS.maxPixels / 1e6} megapixels`,
  },
} as const;

export type ImageRefusalCode = keyof typeof IMAGE_REFUSALS;

export class ImageRefusedError extends BridgeError {
  declare readonly code: ImageRefusalCode;

  constructor(
    code: ImageRefusalCode,
    /** What exactly did not hold, for the log (never the bytes themselves). */
    readonly detail: string,
  ) {
    const { reason, advice } = IMAGE_REFUSALS[code];
    super(code, `the media ${reason}; ${advice}`);
  }
}

/** A structural fault inside a format reader: the magic matched, the rest did not. */
export function malformed(detail: string): ImageRefusedError {
  return new ImageRefusedError('MEDIA_IMAGE_MALFORMED', detail);
}
