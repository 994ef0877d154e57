/**
 * Who may bridge a private or direct platform channel: nobody may make a channel readable
 * in Matrix that they could not read on the platform themselves. The rule is pure (no I/O
 * but the membership question, asked last because it costs a platform call).
 */
import type { ChannelVisibility } from '../connector/contract.js';
import type { PermissionLevel } from '../config/index.js';

/** Why a channel may be linked (or listed) by the actor. */
export type ChannelGrant = 'public' | 'admin' | 'config' | 'member';

/** What the membership question answered; `error` when the platform could not be asked. */
export type Membership = 'member' | 'not_member' | 'no_account' | 'unsupported' | 'error';

export interface AccessQuestion {
  /** Undefined: the connector does not say, so the channel is treated as private. */
  visibility: ChannelVisibility | undefined;
  level: PermissionLevel;
  /** Listed under `admin.private_channels_allowed`. */
  configAllowed: boolean;
  /** Asked only when nothing else grants access. */
  membership: () => Promise<Membership>;
}

export type AccessAnswer =
  { granted: true; grant: ChannelGrant } | { granted: false; membership: Membership };

export async function channelAccess(q: AccessQuestion): Promise<AccessAnswer> {
  if (q.visibility === 'public') return { granted: true, grant: 'public' };
  if (q.level === 'admin') return { granted: true, grant: 'admin' };
  if (q.configAllowed) return { granted: true, grant: 'config' };
  const membership = await q.membership();
  return membership === 'member'
    ? { granted: true, grant: 'member' }
    : { granted: false, membership };
}

export interface RefusalSubject {
  /** `connector/workspace/channel`. */
  channel: string;
  platform: string;
  connector: string;
  workspace: string;
  visibility: ChannelVisibility | undefined;
}

const NEXT_STEP: Record<Membership, (s: RefusalSubject) => string> = {
  member: () => '',
  not_member: () =>
    'Your linked account is not a member of it: ask a member of the channel or a bridge admin to link it.',
  no_account: (s) =>
    `Link your own ${s.platform} account first (!login ${s.connector} ${s.workspace}) if you are ` +
    'a member of it, or ask a bridge admin to link it.',
  unsupported: (s) =>
    `${s.platform} cannot tell the bridge who its members are: ask a bridge admin to link it, ` +
    'or to list it under admin.private_channels_allowed.',
  error: (s) =>
    `Your membership could not be checked on ${s.platform} just now: try again later, or ask ` +
    'a bridge admin to link it.',
};

/** The refusal shown to the person asking: what is wrong and what they can do. */
export function refusalMessage(s: RefusalSubject, membership: Membership): string {
  const what =
    s.visibility === 'direct'
      ? 'is a direct or group conversation'
      : s.visibility === 'private'
        ? 'is a private channel'
        : 'does not say whether it is public, so it counts as private';
  return (
    `${s.platform} channel ${s.channel} ${what}: only its members (through their linked ` +
    'account), bridge admins, or channels listed under admin.private_channels_allowed may be ' +
    `bridged. ${NEXT_STEP[membership](s)}`
  );
}

/** How a private channel's link was allowed, in the audit log's words. */
export const GRANT_DETAIL: Record<Exclude<ChannelGrant, 'public'>, string> = {
  admin: 'linked by a bridge admin',
  config: 'allowed by admin.private_channels_allowed',
  member: 'the actor is a member through their linked account',
};
