import { describe, expect, it } from 'vitest';
import { ImageRefusedError } from '../../../src/media/image-errors.js';
import { sniffImage } from '../../../src/media/sniff-image.js';
import { GOOD_IMAGES, HOSTILE_PAYLOADS, pngDeclaring } from '../../fixtures/images.js';

function refusal(bytes: Buffer): ImageRefusedError {
  try {
    sniffImage(bytes);
  } catch (err) {
    if (err instanceof ImageRefusedError) return err;
    throw err;
  }
  throw new Error('the bytes were accepted as an image');
}

describe('sniffImage: raster images by their bytes', () => {
  it.each(GOOD_IMAGES.map((g) => [g.name, g] as const))('accepts a real %s', (_name, image) => {
    expect(sniffImage(image.bytes)).toMatchObject({
      mimetype: image.mimetype,
      width: image.width,
      height: image.height,
    });
  });

  it.each(HOSTILE_PAYLOADS.map((p) => [p.name, p] as const))('refuses %s', (_name, payload) => {
    const err = refusal(payload.bytes);
    expect(err.code).toBe(payload.code);
    // The message says what to do and never quotes the payload.
    expect(err.message).toMatch(/^the media .*; (use|save) /);
    expect(err.message).not.toMatch(/script|alert|<|svg/i);
  });

  it('refuses every truncation of every real image', () => {
    for (const image of GOOD_IMAGES) {
      for (let n = 0; n < image.bytes.length; n++) {
        const err = refusal(image.bytes.subarray(0, n));
        expect(err.code, `${image.name} cut to ${n} bytes`).not.toBe('MEDIA_IMAGE_TOO_LARGE');
      }
    }
  });

  it('refuses every real image with anything appended', () => {
    for (const image of GOOD_IMAGES) {
      for (const tail of ['\0', '<', '<html>', ' ']) {
        const err = refusal(Buffer.concat([image.bytes, Buffer.from(tail)]));
        expect(err.code, `${image.name} + ${JSON.stringify(tail)}`).toBe('MEDIA_IMAGE_MALFORMED');
      }
    }
  });

  it('answers every corrupted variant of every real image with a verdict, never a crash', () => {
    // A small seeded generator: the same variants on every run, so a failure reproduces.
    let seed = 12345;
    const next = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (const image of GOOD_IMAGES) {
      for (let round = 0; round < 500; round++) {
        const bytes = Buffer.from(image.bytes);
        for (let k = 1 + next(3); k > 0; k--) bytes[next(bytes.length)] = next(256);
        try {
          const info = sniffImage(bytes);
          expect(info.mimetype, image.name).toBe(image.mimetype);
        } catch (err) {
          expect(err, `${image.name} round ${round}`).toBeInstanceOf(ImageRefusedError);
        }
      }
    }
  });

  it('serves sizes up to the limits and refuses beyond them', () => {
    expect(sniffImage(pngDeclaring(16_384, 2_000)).width).toBe(16_384);
    expect(refusal(pngDeclaring(16_385, 1)).code).toBe('MEDIA_IMAGE_TOO_LARGE');
    expect(refusal(pngDeclaring(0, 1)).code).toBe('MEDIA_IMAGE_MALFORMED');
  });
});
