/** One rule for what a platform's file is: by MIME type, or by the platform's own sign. */
import { describe, expect, it } from 'vitest';
import { attachmentKindOf } from '../../../src/connector/index.js';

describe('attachmentKindOf', () => {
  it.each([
    ['image/png', 'image'],
    ['image/svg+xml', 'image'],
    ['video/mp4', 'video'],
    ['audio/ogg', 'audio'],
    ['application/pdf', 'file'],
    ['text/plain', 'file'],
    ['', 'file'],
    [undefined, 'file'],
    // Only a type that starts with the kind counts: these are files.
    ['application/x-image/png', 'file'],
    ['imagex/png', 'file'],
    ['IMAGE/PNG', 'file'],
  ])('%s is %s', (mime, kind) => {
    expect(attachmentKindOf(mime)).toBe(kind);
  });

  it('takes a sign of the platform where the type says nothing', () => {
    expect(attachmentKindOf(undefined, { image: '/file-upload/x.png' })).toBe('image');
    expect(attachmentKindOf('application/octet-stream', { audio: 'x' })).toBe('audio');
  });

  it('an earlier kind wins, whether by sign or by type', () => {
    expect(attachmentKindOf('image/png', { video: 'x' })).toBe('image');
    expect(attachmentKindOf('audio/mpeg', { image: 'x' })).toBe('image');
  });

  it('an empty sign is no sign', () => {
    expect(attachmentKindOf('text/plain', { image: '', video: undefined })).toBe('file');
  });
});
