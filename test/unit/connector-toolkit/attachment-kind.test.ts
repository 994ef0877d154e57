import { describe, expect, it } from 'vitest';
import { attachmentKindOf } from '../../../src/connector/index.js';

describe('attachmentKindOf', () => {
  it.each([
    ['image/png', 'image'],
    ['image/svg+xml', 'image'],
    ['video/mp4', 'video'],
    ['audio/mpeg', 'audio'],
    ['application/pdf', 'file'],
    ['text/plain', 'file'],
    // Not a media type that starts the way a shown kind does.
    ['Image/PNG', 'file'],
    ['application/image', 'file'],
    ['', 'file'],
    [undefined, 'file'],
  ] as const)('%s → %s', (mimetype, kind) => {
    expect(attachmentKindOf(mimetype)).toBe(kind);
  });
});
