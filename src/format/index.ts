export { renderMatrix, escapeHtml, matrixToRoomLink, matrixToUserLink } from './matrix-render.js';
export type { RenderMatrixOptions, RenderedMatrix, MatrixMentions } from './matrix-render.js';
export {
  parseMatrix,
  parseMatrixHtml,
  parsePlainBody,
  stripReplyFallback,
  matrixToUserId,
  MATRIX_HTML_FORMAT,
} from './matrix-parse.js';
export type { MatrixContentLike, ParseMatrixOptions } from './matrix-parse.js';
export { sanitizeMatrixHtml, MAX_HTML_LENGTH, MAX_HTML_NESTING } from './sanitize.js';
export { toPlainText, fenceFor } from './plain.js';
export type { MentionNamer } from './plain.js';
export { splitText } from './split.js';
export {
  normalizeInlines,
  splitRoomMentions,
  detectRoomMentions,
  forEachInline,
} from './inline.js';
