/**
 * Each connector's inbound parser and outbound renderer behind one shape, so the spoofing
 * tables can run every hostile variant through every platform's markup.
 */
import type { FormattedText, MentionTarget } from '../../../src/model/message.js';
import { escapeHtml, renderMatrix, type RenderedMatrix } from '../../../src/format/index.js';
import {
  parseMattermostMarkdown,
  renderMattermostMarkdown,
} from '../../../connectors/mattermost/format/index.js';
import {
  parseRocketMarkdown,
  renderRocketMarkdown,
} from '../../../connectors/rocketchat/format/index.js';
import {
  parseMrkdwn,
  parseRichText,
  renderMrkdwn,
  type RichTextBlock,
} from '../../../connectors/slack/format/index.js';
import { parseTeamsHtml, renderTeamsHtml } from '../../../connectors/teams/format/index.js';

export const bob = (connector: string): MentionTarget => ({
  kind: 'remote',
  connector,
  workspace: 'w1',
  userId: 'bob-id',
});

/** The Matrix id the core gives Bob's ghost (matrix-content's `userIdFor`). */
export const BOB_GHOST = '@_bridge_x_w1_bob-id:hs.example';

export interface Platform {
  name: string;
  /** Markup a platform user could write: a link with `text` going to `url`. */
  link(url: string, text: string): string;
  /** Markup for literal text as the user typed it. */
  plain(text: string): string;
  /** Markup for a bare URL in running text. */
  bare(url: string): string;
  /** The platform's genuine mention of Bob. */
  genuineMention: string;
  parse(markup: string): FormattedText;
  /** Common model → this platform's markup (Matrix → platform direction). */
  render(text: FormattedText): string;
  /** What a reader of rendered markup sees (link targets hidden, tags stripped). */
  visible(markup: string): string;
}

const slackResolver = {
  user: (id: string) => (id === 'UBOB' ? { target: bob('slack'), name: 'Bob' } : undefined),
  channelName: () => undefined,
};

const userFor = (connector: string) => (t: MentionTarget) =>
  t.kind === 'remote' && t.connector === connector ? 'bob' : undefined;

const markdownVisible = (md: string): string => md.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1');

export const PLATFORMS: Platform[] = [
  {
    name: 'Slack mrkdwn',
    link: (url, text) => `<${url}|${text}>`,
    plain: (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'),
    bare: (url) => `see <${url}> now`,
    genuineMention: 'hi <@UBOB>',
    parse: (m) => parseMrkdwn(m, slackResolver),
    render: (t) => renderMrkdwn(t, userFor('slack')),
    visible: (m) => m.replace(/<([^|>]*)\|([^>]*)>/g, '$2').replace(/<([^>]*)>/g, '$1'),
  },
  {
    name: 'Slack rich text',
    link: (url, text) => JSON.stringify({ url, text }),
    plain: (text) => JSON.stringify({ text }),
    bare: (url) => JSON.stringify({ url }),
    genuineMention: JSON.stringify({ user: 'UBOB' }),
    parse: (m) => {
      const el = JSON.parse(m) as { url?: string; text?: string; user?: string };
      const element = el.user
        ? { type: 'user', user_id: el.user }
        : el.url === undefined
          ? { type: 'text', text: el.text }
          : { type: 'link', url: el.url, ...(el.text === undefined ? {} : { text: el.text }) };
      const section = {
        type: 'rich_text_section',
        elements: [{ type: 'text', text: 'x ' }, element],
      };
      const blocks = [{ type: 'rich_text', elements: [section] }] as unknown as RichTextBlock[];
      return parseRichText(blocks, slackResolver);
    },
    render: (t) => renderMrkdwn(t, userFor('slack')),
    visible: (m) => m.replace(/<([^|>]*)\|([^>]*)>/g, '$2').replace(/<([^>]*)>/g, '$1'),
  },
  {
    name: 'Mattermost markdown',
    link: (url, text) => `[${text}](${url})`,
    plain: (text) => text,
    bare: (url) => `see ${url} now`,
    genuineMention: 'hi @bob',
    parse: (m) =>
      parseMattermostMarkdown(m, {
        resolveUser: (u) => (u === 'bob' ? bob('mattermost') : undefined),
      }),
    render: (t) => renderMattermostMarkdown(t, { usernameFor: userFor('mattermost') }),
    visible: markdownVisible,
  },
  {
    name: 'Rocket.Chat markdown',
    link: (url, text) => `[${text}](${url})`,
    plain: (text) => text,
    bare: (url) => `see ${url} now`,
    genuineMention: 'hi @bob',
    parse: (m) =>
      parseRocketMarkdown(m, { resolveUser: (u) => (u === 'bob' ? bob('rocketchat') : undefined) }),
    render: (t) => renderRocketMarkdown(t, { usernameFor: userFor('rocketchat') }),
    visible: markdownVisible,
  },
  {
    name: 'Teams HTML',
    link: (url, text) => `<a href="${escapeHtml(url)}">${escapeHtml(text)}</a>`,
    plain: (text) => escapeHtml(text),
    bare: (url) => `<p>see ${escapeHtml(url)} now</p>`,
    genuineMention: '<p>hi <at id="0">Bob</at></p>',
    parse: (m) => parseTeamsHtml(m, (at) => (at.id === '0' ? bob('teams') : undefined)).text,
    render: (t) =>
      renderTeamsHtml(t, {
        mode: 'graph',
        mentionUser: (target) =>
          target.kind === 'remote' && target.connector === 'teams'
            ? { id: 'bob-id', name: 'Bob' }
            : undefined,
      }).html,
    visible: (m) => m.replace(/<[^>]*>/g, ''),
  },
];

/** Platform text → Matrix event fields, as the core's `textContent` does it. */
export function toMatrix(text: FormattedText): RenderedMatrix {
  return renderMatrix(text, {
    userIdFor: (t) => (t.kind === 'matrix' ? t.userId : BOB_GHOST),
  });
}
