import type { Route } from '../context.js';
import { channelPostRoutes } from './channelposts.js';
import { channelRoutes } from './channels.js';
import { fileRoutes } from './files.js';
import { postRoutes } from './posts.js';
import { reactionRoutes } from './reactions.js';
import { systemRoutes } from './system.js';
import { userRoutes } from './users.js';

export const allRoutes: Route[] = [
  ...systemRoutes,
  ...userRoutes,
  ...channelRoutes,
  ...channelPostRoutes,
  ...postRoutes,
  ...reactionRoutes,
  ...fileRoutes,
];
