export { datasetEmoji, datasetSize, emojiLookupKey, type ShortcodeSet } from './dataset.js';
export { EMOJIBASE_VERSION } from './emoji-data.generated.js';
export { createEmojiNames, type EmojiNames, type EmojiNameSpec } from './emoji-names.js';
export { ReactionNames, type ReactionNameSpec } from './reaction-names.js';
export { reactionKeyText } from './reaction-key-text.js';
export { ReactionUnavailableError } from './reaction-unavailable.js';
export type { SkinToneStyle } from './skin-tones.js';
