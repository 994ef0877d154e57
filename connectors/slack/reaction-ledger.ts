import type { ConnectorStorage } from '../../src/connector/index.js';
import { compareTs, isTs, tsToMs } from './ids.js';
import type { SlackMessage } from './types.js';

const SEP = '\u0000';
const MAX_MESSAGES = 300;
const MAX_AGE_MS = 14 * 24 * 60 * 60 * 1000;

/** `user\0name` → generation: positive while present, negative once removed. */
type Entry = Record<string, number>;

export interface ReactionChange {
  user: string;
  name: string;
  /** Counts the times this person put this reaction on this message: keys stay unique. */
  generation: number;
}

/**
 * The reactions the bridge has seen on recent messages of each channel, so a resync can tell
 * which were added or removed while it was not listening (Slack has no "changed since" query;
 * the resync re-reads recent messages and compares).
 */
export class ReactionLedger {
  private readonly channels = new Map<string, Map<string, Entry>>();

  constructor(
    private readonly storage: ConnectorStorage,
    private readonly workspace: string,
  ) {}

  private key(channel: string): string {
    return `reactions:${this.workspace}:${channel}`;
  }

  private async load(channel: string): Promise<Map<string, Entry>> {
    let map = this.channels.get(channel);
    if (map) return map;
    map = new Map();
    try {
      const raw = JSON.parse((await this.storage.get(this.key(channel))) ?? '{}') as unknown;
      if (typeof raw === 'object' && raw !== null) {
        for (const [ts, entry] of Object.entries(raw as Record<string, Entry>)) {
          if (isTs(ts) && typeof entry === 'object' && entry !== null) map.set(ts, entry);
        }
      }
    } catch {
      // A damaged ledger only costs reactions changed while disconnected.
    }
    this.channels.set(channel, map);
    return map;
  }

  private async save(channel: string, map: Map<string, Entry>): Promise<void> {
    const cutoff = Date.now() - MAX_AGE_MS;
    const kept = [...map]
      .filter(([ts]) => tsToMs(ts) > cutoff)
      .sort((a, b) => compareTs(b[0], a[0]))
      .slice(0, MAX_MESSAGES);
    this.channels.set(channel, new Map(kept));
    await this.storage.set(this.key(channel), JSON.stringify(Object.fromEntries(kept)));
  }

  /** A reaction seen live. */
  async note(
    channel: string,
    ts: string,
    user: string,
    name: string,
    present: boolean,
  ): Promise<void> {
    const map = await this.load(channel);
    const entry = map.get(ts) ?? {};
    const k = `${user}${SEP}${name}`;
    const g = entry[k] ?? 0;
    if (present === g > 0) return;
    entry[k] = present ? Math.abs(g) + 1 : -g;
    map.set(ts, entry);
    await this.save(channel, map);
  }

  /**
   * Compares a message's reactions (as just read from Slack) with what was seen before.
   * `commit` records the new state: call it once the changes are recorded, so a crash in
   * between replays them with the same generations (and so the same event keys).
   */
  async reconcile(
    channel: string,
    msg: SlackMessage,
    ignoreUser: string | undefined,
  ): Promise<{ added: ReactionChange[]; removed: ReactionChange[]; commit: () => Promise<void> }> {
    const now = new Set<string>();
    for (const r of msg.reactions ?? []) {
      if (typeof r?.name !== 'string' || !Array.isArray(r.users)) continue;
      for (const u of r.users)
        if (typeof u === 'string' && u !== ignoreUser) now.add(`${u}${SEP}${r.name}`);
    }
    const map = await this.load(channel);
    const entry = map.get(msg.ts);
    const nothing = async () => undefined;
    if (!entry && now.size === 0) return { added: [], removed: [], commit: nothing };
    const next: Entry = { ...entry };
    const added: ReactionChange[] = [];
    const removed: ReactionChange[] = [];
    for (const k of now) {
      const g = next[k] ?? 0;
      if (g > 0) continue;
      next[k] = Math.abs(g) + 1;
      added.push(change(k, next[k]));
    }
    for (const [k, g] of Object.entries(next)) {
      if (g > 0 && !now.has(k)) {
        removed.push(change(k, g));
        next[k] = -g;
      }
    }
    if (added.length === 0 && removed.length === 0 && entry)
      return { added, removed, commit: nothing };
    return {
      added,
      removed,
      commit: async () => {
        const current = await this.load(channel);
        current.set(msg.ts, next);
        await this.save(channel, current);
      },
    };
  }
}

function change(k: string, generation: number): ReactionChange {
  const i = k.indexOf(SEP);
  return { user: k.slice(0, i), name: k.slice(i + 1), generation };
}
