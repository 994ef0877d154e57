/**
 * Chooses who speaks for a Matrix user in Teams: their own linked Microsoft account through
 * Graph when they have one (falling back to the bot when Graph refuses, e.g. they are not a
 * member of that channel), else the bot with their name and avatar in the message.
 */
import {
  type MatrixSenderIdentity,
  NeedsOwnAccountError,
  type OutboundMessage,
  RemoteApiError,
  UnsupportedError,
} from '../../src/connector/index.js';
import type { LinkedAccount } from './auth/account-links.js';
import { BotSender } from './bot-sender.js';
import type { TeamsDeps } from './deps.js';
import { kindOf } from './ids.js';
import { PuppetSender } from './puppet-sender.js';

const refused = (err: unknown) =>
  err instanceof RemoteApiError &&
  (err.status === 401 || err.status === 403 || err.code === 'TEAMS_LINK_ENDED');

export class Sender {
  private readonly bot: BotSender;
  private readonly puppet: PuppetSender;

  constructor(private readonly d: TeamsDeps) {
    this.bot = new BotSender(d);
    this.puppet = new PuppetSender(d);
  }

  private async account(matrixUserId: string): Promise<LinkedAccount | undefined> {
    return this.d.links ? this.d.links.token(matrixUserId).catch(() => undefined) : undefined;
  }

  async send(channel: string, message: OutboundMessage): Promise<string[]> {
    const target = message.threadRoot ?? message.replyTo;
    const root =
      target && kindOf(channel) === 'channel' ? await this.d.threads.rootOf(target) : undefined;
    const account = await this.account(message.sender.userId);
    if (account) {
      try {
        return await this.puppet.send(channel, root, message, account);
      } catch (err) {
        if (!refused(err)) throw err;
        this.d.log.warn(
          { workspace: this.d.workspace, channel, reason: (err as Error).message },
          'Graph refused to post as the linked user; posting as the bot instead',
        );
      }
    }
    return this.bot.send(channel, root, message);
  }

  async edit(channel: string, messageId: string, message: OutboundMessage): Promise<void> {
    const poster = await this.puppet.poster(messageId);
    if (poster) {
      if (poster !== message.sender.userId || !(await this.account(poster))) {
        throw new UnsupportedError('editing a message posted through another Microsoft account');
      }
      return this.puppet.edit(channel, messageId, message);
    }
    return this.bot.edit(channel, messageId, message);
  }

  async remove(channel: string, messageId: string): Promise<void> {
    const poster = await this.puppet.poster(messageId);
    if (!poster) return this.bot.remove(channel, messageId);
    const account = await this.account(poster);
    if (!account)
      throw new UnsupportedError(
        'deleting a message posted through a Microsoft account that is no longer linked',
      );
    return this.puppet.remove(channel, messageId, poster, account);
  }

  /** Reactions can only be set by users (Graph setReaction is delegated-only): linked users only. */
  async react(
    channel: string,
    messageId: string,
    key: string,
    actor: MatrixSenderIdentity | undefined,
    set: boolean,
  ): Promise<void> {
    const account = actor ? await this.account(actor.userId) : undefined;
    if (!actor || !account) {
      this.d.log.debug(
        { workspace: this.d.workspace, channel },
        'reaction not sent: only Matrix users with a linked Microsoft account can react in Teams',
      );
      // Taking a reaction back that never crossed needs no answer; adding one does.
      if (!set) throw new UnsupportedError('reactions from Matrix users without a linked account');
      throw new NeedsOwnAccountError('your reaction', 'teams', this.d.workspace);
    }
    return this.puppet.react(channel, messageId, key, actor.userId, account, set);
  }
}
