import type { AttachmentKind } from '../model/message.js';

/** The kinds a platform can say of a file besides its MIME type, in the order they win. */
const MEDIA_KINDS = ['image', 'video', 'audio'] as const;

/**
 * What a platform's file is, by its MIME type (`image/…`, `video/…`, `audio/…`), or by a
 * platform's own sign of that kind in `signs` (e.g. an `image_url` field); anything else is a
 * plain file. A sign or type of an earlier kind wins over a later one.
 */
export function attachmentKindOf(
  mime: string | undefined,
  signs: Partial<Record<(typeof MEDIA_KINDS)[number], unknown>> = {},
): AttachmentKind {
  for (const kind of MEDIA_KINDS) if (signs[kind] || mime?.startsWith(`${kind}/`)) return kind;
  return 'file';
}
