/**
 * Teams people as the bridge knows them: Bot Framework ids (`29:…`) resolved to AAD object
 * ids through the Bot Connector's member lookup, and names seen on activities (the fallback
 * profile when Graph may not read users).
 */
import type { BotConnector } from './botconnector.js';

const MAX = 20_000;

function put<K, V>(map: Map<K, V>, k: K, v: V): void {
  if (map.size >= MAX && !map.has(k)) map.delete(map.keys().next().value as K);
  map.set(k, v);
}

export class Members {
  private readonly aad = new Map<string, string | null>();
  private readonly names = new Map<string, string>();

  constructor(private readonly bot: BotConnector) {}

  noteName(aadId: string, name: string | undefined): void {
    if (name) put(this.names, aadId, name.slice(0, 256));
  }

  nameOf(aadId: string): string | undefined {
    return this.names.get(aadId);
  }

  /** The AAD id behind a Bot Framework user id in `conversation`, or undefined. */
  async aadId(serviceUrl: string, conversation: string, bfId: string): Promise<string | undefined> {
    if (this.aad.has(bfId)) return this.aad.get(bfId) ?? undefined;
    const member = await this.bot.member(serviceUrl, conversation, bfId).catch(() => undefined);
    const id = member?.aadObjectId ?? null;
    put(this.aad, bfId, id);
    if (id) this.noteName(id, member?.name);
    return id ?? undefined;
  }
}
