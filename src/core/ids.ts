/**
 * Ghost user ids: @{prefix}{connector}_{workspace}_{user}:{domain}. Workspace and user are
 * escaped so that the id is a valid lowercase localpart and decodes back exactly:
 * [a-z0-9.-] pass through, every other byte becomes =xx.
 */

const PLAIN = /[a-z0-9.-]/;

export function escapeLocalpart(value: string): string {
  let out = '';
  for (const byte of Buffer.from(value, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += PLAIN.test(ch) ? ch : `=${byte.toString(16).padStart(2, '0')}`;
  }
  return out;
}

export function unescapeLocalpart(value: string): string | undefined {
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] as string;
    if (ch === '=') {
      const hex = value.slice(i + 1, i + 3);
      if (!/^[0-9a-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (PLAIN.test(ch)) {
      bytes.push(ch.charCodeAt(0));
    } else {
      return undefined;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

export interface GhostAddress {
  connector: string;
  workspace: string;
  userId: string;
}

export class GhostIdCodec {
  constructor(
    private readonly prefix: string,
    private readonly domain: string,
  ) {}

  encode(addr: GhostAddress): string {
    return `@${this.prefix}${addr.connector}_${escapeLocalpart(addr.workspace)}_${escapeLocalpart(addr.userId)}:${this.domain}`;
  }

  /** Undefined when the id is not one of this bridge's ghosts. */
  decode(matrixUserId: string): GhostAddress | undefined {
    const head = `@${this.prefix}`;
    const tail = `:${this.domain}`;
    if (!matrixUserId.startsWith(head) || !matrixUserId.endsWith(tail)) return undefined;
    const parts = matrixUserId.slice(head.length, -tail.length).split('_');
    if (parts.length !== 3) return undefined;
    const [connector, ws, user] = parts as [string, string, string];
    const workspace = unescapeLocalpart(ws);
    const userId = unescapeLocalpart(user);
    if (!/^[a-z][a-z0-9-]*$/.test(connector) || workspace === undefined || userId === undefined) {
      return undefined;
    }
    return { connector, workspace, userId };
  }

  isGhost(matrixUserId: string): boolean {
    return this.decode(matrixUserId) !== undefined;
  }
}

/** The side key of a remote channel in the message map. */
export function sideKey(c: { connector: string; workspace: string; channel: string }): string {
  return `${c.connector}/${c.workspace}/${c.channel}`;
}
