import { createHash } from 'node:crypto';
import { newId } from './ids.js';
import { renderMessage } from './render.js';
import type { RoomRecord, SimState, UserRecord } from './state.js';

export interface CreateUserOptions {
  username: string;
  name?: string;
  /** A bot account (role `bot`, which has `message-impersonate` by default). */
  bot?: boolean;
  /** Roles instead of the default (`user`, or `bot` for bots). */
  roles?: string[];
  /** Avatar image bytes (PNG); without it `/avatar/:username` serves a generated initial. */
  avatarPng?: Buffer;
}

export interface SimUser {
  _id: string;
  username: string;
  name: string;
  /** A personal access token for X-Auth-Token (also a DDP resume token). */
  token: string;
}

export interface SimRoom {
  _id: string;
  name: string;
  fname: string;
  /** `c` public channel, `p` private group, `d` direct message. */
  t: 'c' | 'p' | 'd';
}

const USERNAME = /^[a-z0-9._-]{1,64}$/i;

/** Direct (non-HTTP) setup of the in-memory server, used by tests and the demo. */
export class Control {
  constructor(private readonly state: SimState) {}

  createUser(o: CreateUserOptions): SimUser {
    if (!USERNAME.test(o.username)) throw new Error(`invalid username: ${o.username}`);
    if (this.state.userByName(o.username)) throw new Error(`username taken: ${o.username}`);
    const now = this.state.clock.now();
    const user: UserRecord = {
      _id: newId(),
      username: o.username,
      name: o.name ?? o.username,
      type: o.bot ? 'bot' : 'user',
      roles: o.roles ?? [o.bot ? 'bot' : 'user'],
      createdAt: now,
      updatedAt: now,
      avatar: o.avatarPng
        ? {
            data: o.avatarPng,
            type: 'image/png',
            etag: createHash('sha1').update(o.avatarPng).digest('hex').slice(0, 17),
          }
        : null,
    };
    this.state.users.set(user._id, user);
    this.state.usernames.set(user.username.toLowerCase(), user._id);
    return {
      _id: user._id,
      username: user.username,
      name: user.name,
      token: this.state.issueToken(user._id),
    };
  }

  createRoom(
    name: string,
    o: { type?: 'c' | 'p' | 'd'; fname?: string; topic?: string; creatorId?: string } = {},
  ): SimRoom {
    if (!/^[a-z0-9._-]{1,64}$/i.test(name)) throw new Error(`invalid room name: ${name}`);
    if ([...this.state.rooms.values()].some((r) => r.name === name))
      throw new Error(`room exists: ${name}`);
    const creator = o.creatorId ? this.state.users.get(o.creatorId) : undefined;
    const now = this.state.clock.now();
    const room: RoomRecord = {
      _id: newId(),
      t: o.type ?? 'c',
      name,
      fname: o.fname ?? name,
      ts: now,
      updatedAt: now,
      creator: creator
        ? { _id: creator._id, username: creator.username }
        : { _id: 'rocket.cat', username: 'rocket.cat' },
      msgs: 0,
      ...(o.topic !== undefined && { topic: o.topic }),
    };
    this.state.rooms.set(room._id, room);
    if (creator) this.state.addMember(room._id, creator._id);
    return { _id: room._id, name: room.name, fname: room.fname, t: room.t };
  }

  /** Adds silently (no system message, no event). */
  addToRoom(rid: string, userId: string): void {
    if (!this.state.rooms.has(rid)) throw new Error(`no such room: ${rid}`);
    if (!this.state.users.has(userId)) throw new Error(`no such user: ${userId}`);
    this.state.addMember(rid, userId);
  }

  grantPermission(permission: string, role: string): void {
    let roles = this.state.permissions.get(permission);
    if (!roles) this.state.permissions.set(permission, (roles = new Set()));
    roles.add(role);
    this.state.permissionsUpdatedAt.set(permission, Date.now());
  }

  revokePermission(permission: string, role: string): void {
    this.state.permissions.get(permission)?.delete(role);
    this.state.permissionsUpdatedAt.set(permission, Date.now());
  }

  /** A new personal access token for the user. */
  issueToken(userId: string): string {
    if (!this.state.users.has(userId)) throw new Error(`no such user: ${userId}`);
    return this.state.issueToken(userId);
  }

  /** Removes every token of the user (as "log out other clients" / token removal does). */
  revokeTokens(userId: string): void {
    for (const [token, id] of this.state.tokens) if (id === userId) this.state.tokens.delete(token);
  }

  /** Live messages of a room as REST shows them, oldest first. */
  messages(rid: string): Array<Record<string, unknown>> {
    return this.state.roomHistory(rid).map((m) => renderMessage(m, 'rest'));
  }
}
