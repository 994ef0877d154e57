/**
 * Teams people as the bridge knows them: Bot Framework ids (`29:…`) resolved to AAD object
 * ids through the Bot Connector's member lookup, and names seen on activities (the fallback
 * profile when Graph may not read users).
 */
import { BoundedMap } from '../../src/connector/index.js';
import type { BotConnector } from './botconnector.js';

export class Members {
  private readonly aad = new BoundedMap<string, string | null>(20_000);
  private readonly names = new BoundedMap<string, string>(20_000);

  constructor(private readonly bot: BotConnector) {}

  noteName(aadId: string, name: string | undefined): void {
    if (name) this.names.set(aadId, name.slice(0, 256));
  }

  nameOf(aadId: string): string | undefined {
    return this.names.get(aadId);
  }

  /** The AAD id behind a Bot Framework user id in `conversation`, or undefined. */
  async aadId(serviceUrl: string, conversation: string, bfId: string): Promise<string | undefined> {
    if (this.aad.has(bfId)) return this.aad.get(bfId) ?? undefined;
    const member = await this.bot.member(serviceUrl, conversation, bfId).catch(() => undefined);
    const id = member?.aadObjectId ?? null;
    this.aad.set(bfId, id);
    if (id) this.noteName(id, member?.name);
    return id ?? undefined;
  }
}
