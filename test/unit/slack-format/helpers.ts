import type { Block, FormattedText, Inline, MentionTarget } from '../../../src/model/message.js';
import type { MentionResolver, SlackUserFor } from '../../../connectors/slack/format/index.js';

export const USERS: Record<string, string> = { U0ALICE: 'Alice', U0BOB: 'Bob Berg' };
export const CHANNELS: Record<string, string> = { C0GENERAL: 'general' };

export const target = (id: string): MentionTarget => ({
  kind: 'remote',
  connector: 'slack',
  workspace: 'main',
  userId: id.toLowerCase(),
});

export const resolver: MentionResolver = {
  user: (id) => (USERS[id] ? { target: target(id), name: USERS[id]! } : undefined),
  channelName: (id) => CHANNELS[id],
};

export const userFor: SlackUserFor = (t) =>
  t.kind === 'remote' && t.connector === 'slack' && t.workspace === 'main'
    ? t.userId.toUpperCase()
    : undefined;

export const text = (t: string): Inline => ({ type: 'text', text: t });
export const para = (...children: Inline[]): Block => ({ type: 'paragraph', children });
export const doc = (...blocks: Block[]): FormattedText => ({ blocks });
