/**
 * Whether a Matrix user may change a room's bridging, read from the room's power levels:
 * the user needs the level required to send the `m.bridge` state event (MSC2346), which is
 * `events["m.bridge"]` or else `state_default` — "power to change room state".
 */

export interface PowerLevelsContent {
  users?: Record<string, unknown>;
  users_default?: unknown;
  events?: Record<string, unknown>;
  state_default?: unknown;
}

export interface CreateContent {
  room_version?: unknown;
  additional_creators?: unknown;
}

/** Room versions in which creators hold unlimited power and are absent from `users`. */
const CREATOR_POWER_VERSIONS = new Set(['12', 'org.matrix.hydra.11']);

const int = (v: unknown, fallback: number): number =>
  typeof v === 'number' && Number.isInteger(v) ? v : fallback;

export interface PowerVerdict {
  allowed: boolean;
  userLevel: number;
  required: number;
}

/**
 * `powerLevels` undefined means the room has none: then, as the spec says, the creator has
 * 100 and everyone else 0, and state needs 50.
 */
export function bridgePower(
  userId: string,
  powerLevels: PowerLevelsContent | undefined,
  create: { sender: string; content: CreateContent } | undefined,
): PowerVerdict {
  const creators = new Set<string>();
  if (create) {
    creators.add(create.sender);
    const extra = create.content.additional_creators;
    if (Array.isArray(extra)) for (const c of extra) if (typeof c === 'string') creators.add(c);
  }
  const version = String(create?.content.room_version ?? '1');
  if (CREATOR_POWER_VERSIONS.has(version) && creators.has(userId)) {
    return { allowed: true, userLevel: Number.POSITIVE_INFINITY, required: 0 };
  }
  if (!powerLevels) {
    const userLevel = create?.sender === userId ? 100 : 0;
    return { allowed: userLevel >= 50, userLevel, required: 50 };
  }
  const required = int(powerLevels.events?.['m.bridge'], int(powerLevels.state_default, 50));
  const userLevel = int(powerLevels.users?.[userId], int(powerLevels.users_default, 0));
  return { allowed: userLevel >= required, userLevel, required };
}
