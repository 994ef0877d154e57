import type { MethodTable } from '../context.js';
import { authMethods } from './auth.js';
import { chatMethods } from './chat.js';
import { conversationMethods } from './conversations.js';
import { fileMethods } from './files.js';
import { reactionMethods } from './reactions.js';
import { userMethods } from './users.js';

export const allMethods: MethodTable = {
  ...authMethods,
  ...chatMethods,
  ...conversationMethods,
  ...fileMethods,
  ...reactionMethods,
  ...userMethods,
};

export { canSee } from './files.js';
