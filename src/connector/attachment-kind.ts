import type { AttachmentKind } from '../model/message.js';

/** How a file is shown, from its media type: image, video, audio, or any other file. */
export function attachmentKindOf(mimetype: string | undefined): AttachmentKind {
  if (mimetype?.startsWith('image/')) return 'image';
  if (mimetype?.startsWith('video/')) return 'video';
  if (mimetype?.startsWith('audio/')) return 'audio';
  return 'file';
}
