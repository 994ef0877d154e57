/**
 * The server's own request validators, from @rocket.chat/rest-typings.
 *
 * rest-typings ships ES modules with extension-less relative imports (`./Ajv`,
 * `ajv/dist/2020`), which a bundler resolves but Node's ESM loader refuses. A tiny resolve
 * hook, scoped to importers inside rest-typings, retries such specifiers with `.js`, so the
 * same import works in compiled Node; under vitest, vite resolves them itself.
 */
import { register } from 'node:module';
import type { ValidateFunction } from 'ajv';

const RESOLVE_HOOK = `
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (err) {
    const parent = context.parentURL ?? '';
    const retry = parent.includes('/@rocket.chat/rest-typings/') &&
      (err?.code === 'ERR_MODULE_NOT_FOUND' || err?.code === 'ERR_UNSUPPORTED_DIR_IMPORT') &&
      !/\\.[cm]?js$/.test(specifier);
    if (!retry) throw err;
    for (const suffix of ['.js', '/index.js']) {
      try { return await next(specifier + suffix, context); } catch {}
    }
    throw err;
  }
}`;

let hookRegistered = false;

function ensureHook(): void {
  if (hookRegistered) return;
  register(`data:text/javascript,${encodeURIComponent(RESOLVE_HOOK)}`);
  hookRegistered = true;
}

type Validator = ValidateFunction<unknown>;

export interface RestValidators {
  chatSendMessage: Validator;
  chatPostMessage: Validator;
  chatUpdate: Validator;
  chatDelete: Validator;
  chatReact: Validator;
  chatGetMessage: Validator;
  chatSyncMessages: Validator;
  chatGetThreadMessages: Validator;
  channelsHistory: Validator;
  groupsHistory: Validator;
  channelsList: Validator;
  groupsList: Validator;
  groupsInfo: Validator;
  roomsInfo: Validator;
  usersInfo: Validator;
  usersGetAvatar: Validator;
}

let loading: Promise<RestValidators> | undefined;

const RT = '@rocket.chat/rest-typings/dist';

async function load(): Promise<RestValidators> {
  ensureHook();
  // One module per area keeps start-up fast (the package index pulls in every endpoint).
  const mod = async (path: string): Promise<Record<string, unknown>> =>
    (await import(`${RT}/${path}.js`)) as Record<string, unknown>;
  const [chat, chHist, grHist, chList, grList, grInfo, rooms, usersInfo, usersAvatar] =
    await Promise.all([
      mod('v1/chat'),
      mod('v1/channels/ChannelsHistoryProps'),
      mod('v1/groups/GroupsHistoryProps'),
      mod('v1/channels/ChannelsListProps'),
      mod('v1/groups/GroupsListProps'),
      mod('v1/groups/GroupsInfoProps'),
      mod('v1/rooms'),
      mod('v1/users/UsersInfoParamsGet'),
      mod('v1/users/UsersGetAvatarParamsGET'),
    ]);
  const pick = (m: Record<string, unknown>, name: string): Validator => {
    const v = m[name];
    if (typeof v !== 'function') throw new Error(`rest-typings has no ${name}`);
    return v as Validator;
  };
  return {
    chatSendMessage: pick(chat, 'isChatSendMessageProps'),
    chatPostMessage: pick(chat, 'isChatPostMessageProps'),
    chatUpdate: pick(chat, 'isChatUpdateProps'),
    chatDelete: pick(chat, 'isChatDeleteProps'),
    chatReact: pick(chat, 'isChatReactProps'),
    chatGetMessage: pick(chat, 'isChatGetMessageProps'),
    chatSyncMessages: pick(chat, 'isChatSyncMessagesProps'),
    chatGetThreadMessages: pick(chat, 'isChatGetThreadMessagesProps'),
    channelsHistory: pick(chHist, 'isChannelsHistoryProps'),
    groupsHistory: pick(grHist, 'isGroupsHistoryProps'),
    channelsList: pick(chList, 'isChannelsListProps'),
    groupsList: pick(grList, 'isGroupsListProps'),
    groupsInfo: pick(grInfo, 'isGroupsInfoProps'),
    roomsInfo: pick(rooms, 'isRoomsInfoProps'),
    usersInfo: pick(usersInfo, 'isUsersInfoParamsGetProps'),
    usersGetAvatar: pick(usersAvatar, 'isUsersGetAvatarParamsGET'),
  };
}

/** Loads (once) the validators the simulator's routes use. */
export function restValidators(): Promise<RestValidators> {
  loading ??= load();
  return loading;
}

/** Like API.v1's validateParams: the ajv messages joined, as a Meteor.Error 'invalid-params'. */
export function validationMessage(v: Validator): string {
  return (v.errors ?? [])
    .map((e) => `${e.instancePath || 'must'} ${e.message ?? ''}`.trim())
    .join('\n ');
}
