import { AuthenticationHandler, Client } from '@microsoft/microsoft-graph-client';
import { Parser } from 'htmlparser2';
import { definition } from '../../connectors/teams/index.js';
import { MARKER_HTML } from '../../connectors/teams/send-ledger.js';
import { FetchHandler, trustingFetch } from '../../simulators/teams/graph-fetch.js';
import {
  startTeamsSimulator,
  type TeamsSimulator,
  type Window,
} from '../../simulators/teams/index.js';
import { clientError, retried } from './retry.js';
import { teamsActivity } from './teams-activity.js';
import type { MarkupRisks, PlatformAdapter, PlatformWorld, RateLimit } from './types.js';

/** How long an interrupted delivery connection stays broken (each `dropConnection`). */
const INTERRUPTION_MS = 3000;

/** A channel message as Graph lists it (the fields read here). */
interface GraphMessage {
  id: string;
  createdDateTime: string;
  deletedDateTime: string | null;
  body: { contentType: string; content: string };
  from: { user: { id: string } | null; application: { id: string } | null } | null;
  attachments?: Array<{ name: string | null }>;
  reactions?: unknown[];
}

/**
 * Microsoft's Graph client signed in as `userId` (a delegated token through the Teams client
 * app), trusting only the simulator's certificate; no retry middleware, retries are the
 * caller's so every injected failure is seen.
 */
function graphAs(sim: TeamsSimulator, userId: string, clientAppId: string): Client {
  let token = '';
  let renewAt = 0;
  const auth = new AuthenticationHandler({
    getAccessToken: async () => {
      if (Date.now() >= renewAt) {
        token = sim.control.userToken(userId, clientAppId);
        renewAt = Date.now() + 20 * 60_000;
      }
      return token;
    },
  });
  auth.setNext(new FetchHandler(trustingFetch(sim.caCert)));
  return Client.initWithMiddleware({
    middleware: auth,
    baseUrl: `${sim.url}/`,
    defaultVersion: 'v1.0',
    customHosts: new Set(['127.0.0.1']),
  });
}

/** Every top-level message of a channel (deleted ones left out), oldest first. */
async function channelMessages(
  reader: Client,
  teamId: string,
  channel: string,
): Promise<GraphMessage[]> {
  const all: GraphMessage[] = [];
  let next: string | undefined = `/teams/${teamId}/channels/${channel}/messages?$top=50`;
  while (next) {
    const path: string = next;
    const page = (await retried(() => reader.api(path).get(), { permanent: clientError })) as {
      value: GraphMessage[];
      '@odata.nextLink'?: string;
    };
    all.push(...page.value);
    next = page['@odata.nextLink'];
  }
  return all
    .filter((m) => !m.deletedDateTime)
    .sort(
      (a, b) =>
        Date.parse(a.createdDateTime) - Date.parse(b.createdDateTime) ||
        a.id.localeCompare(b.id, 'en', { numeric: true }),
    );
}

const decode = (html: string): string => {
  let out = '';
  const p = new Parser({ ontext: (t) => (out += t) }, { decodeEntities: true });
  p.write(html);
  p.end();
  return out;
};

/**
 * A bot message as its readers see it: the attribution line the bridge puts first
 * (`<p>[<img src=avatar>] <strong>Name</strong></p>`) split off, and the body in Teams' own
 * markup (HTML) with paragraphs as lines — so plain text compares as it was sent while live
 * markup stays visible to `markupRisks`.
 */
export function readBotMessage(html: string): {
  text: string;
  authorName?: string;
  avatarUrl?: string;
} {
  const header =
    /^<p>(?:<img src="([^"]*)"[^>]*>\s*)?<strong>((?:(?!<\/strong>).)*)<\/strong><\/p>/s.exec(html);
  // The bridge's hidden marker (an empty span, see send-ledger.ts) is nothing a reader sees.
  const body = (header ? html.slice(header[0].length) : html).replace(MARKER_HTML, '');
  const text = body.replace(/<p>/g, '').replace(/<\/p>/g, '\n').trim();
  return {
    text,
    ...(header ? { authorName: decode(header[2] ?? '') } : {}),
    ...(header?.[1] ? { avatarUrl: decode(header[1]) } : {}),
  };
}

const SAFE_SCHEMES = new Set(['http', 'https', 'mailto']);
/** Elements a Teams client must never be handed live: they run, embed or submit things. */
const ACTIVE_TAGS = new Set([
  'script',
  'iframe',
  'frame',
  'frameset',
  'object',
  'embed',
  'applet',
  'base',
  'form',
  'input',
  'button',
  'meta',
  'link',
  'style',
  'svg',
  'math',
  'template',
]);
const URL_ATTRIBUTES = new Set([
  'href',
  'src',
  'action',
  'formaction',
  'xlink:href',
  'background',
  'poster',
  'srcset',
  'data',
  'lowsrc',
]);

/** The scheme of a URL attribute as a browser reads it (control characters and spaces ignored). */
function schemeOf(url: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const cleaned = url.replace(/[\u0000-\u0020\u007f]/g, '');
  return /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(cleaned)?.[1]?.toLowerCase();
}

/**
 * Teams renders a message's HTML. What acts: script-like or embedding elements, event
 * handler attributes, and links or images whose URL has a scheme other than http(s) or
 * mailto. Only `<at>` mentions of a channel, team or tag notify everyone, and bots cannot
 * send those (the Bot Connector accepts only mentions of tenant users), so a bot message
 * never pings the channel; text such as `@channel` is just text in Teams.
 */
export function teamsMarkupRisks(text: string): MarkupRisks {
  const active: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        const tag = name.toLowerCase();
        if (ACTIVE_TAGS.has(tag)) active.push(`<${tag}>`);
        for (const [attr, value] of Object.entries(attrs)) {
          const a = attr.toLowerCase();
          if (a.startsWith('on')) active.push(`<${tag} ${a}>`);
          else if (URL_ATTRIBUTES.has(a)) {
            const scheme = schemeOf(value);
            if (scheme && !SAFE_SCHEMES.has(scheme)) active.push(`<${tag} ${a}="${value}">`);
          }
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
  );
  parser.write(text);
  parser.end();
  return { active, roomPings: [] };
}

/** A per-token limit as sliding windows: `burst` requests per `burst / perSecond` seconds. */
const windowsFor = (r: RateLimit): Window[] => [
  {
    limit: Math.max(1, Math.round(r.burst)),
    windowMs: Math.max(1, Math.round((1000 * Math.max(1, r.burst)) / r.perSecond)),
  },
];
/** Teams' own limits on the bot's sends (per conversation), as the simulator has them by default. */
const BOT_CONNECTOR_WINDOWS: Window[] = [
  { limit: 7, windowMs: 1000 },
  { limit: 8, windowMs: 2000 },
  { limit: 60, windowMs: 30_000 },
  { limit: 1800, windowMs: 3_600_000 },
];
/** People post and read through Graph; these only keep the readers of the results unthrottled. */
const GRAPH_WRITES: Window[] = [{ limit: 50, windowMs: 1000 }];
const GRAPH_READS: Window[] = [{ limit: 200, windowMs: 1000 }];

/** Microsoft Teams through its simulator: people post and read through Microsoft Graph. */
export const teamsAdapter: PlatformAdapter = {
  id: 'teams',
  definition: definition as unknown as PlatformAdapter['definition'],
  markupRisks: teamsMarkupRisks,
  roomPings: false,
  async start(opts): Promise<PlatformWorld> {
    const sim = await startTeamsSimulator({
      connectorWindows: opts.rateLimit ? windowsFor(opts.rateLimit) : BOT_CONNECTOR_WINDOWS,
      graphWrites: opts.rateLimit ? windowsFor(opts.rateLimit) : GRAPH_WRITES,
      graphReads: GRAPH_READS,
    });
    const tenant = sim.createTenant();
    const app = sim.control.createApp(tenant, {
      displayName: 'Matrix Bridge',
      password: 'bench-app-secret',
    });
    // The app people use Teams through (their delegated Graph tokens), never installed as a bot.
    const client = sim.control.createApp(tenant, {
      displayName: 'Microsoft Teams',
      password: 'teams-client-secret',
    });
    const alice = sim.createUser(tenant, { displayName: 'Alice Andersson' });
    const auditor = sim.createUser(tenant, { displayName: 'Audit' });
    const { teamId } = sim.control.createTeam(tenant, 'Agency', [alice.id, auditor.id]);
    const channels: string[] = [];
    for (let i = 0; i < opts.channels; i++)
      channels.push(sim.control.createChannel(teamId, `bench-${i}`));
    sim.control.installBot(app.appId, teamId);

    /** The bot registration's messaging endpoint: where the Bot Framework delivers activities. */
    const useBridgeWebhooks = (base: string): void => {
      sim.control.setEndpoint(app.appId, `${base}/messages`);
    };

    const reader = graphAs(sim, auditor.id, client.appId);
    const messagesPath = (channel: string) => `/teams/${teamId}/channels/${channel}/messages`;
    /** `<at id="…">Name</at>` as written in a text → the user it mentions. */
    const mentionable = new Map<string, string>();
    const poster = (userId: string) => {
      const graph = graphAs(sim, userId, client.appId);
      return async (channel: string, text: string): Promise<void> => {
        // Teams writes messages as HTML paragraphs; mentions need their entries in `mentions`.
        let content = `<p>${text}</p>`;
        const mentions: Array<Record<string, unknown>> = [];
        for (const [tag, mentioned] of mentionable) {
          if (!content.includes(tag)) continue;
          const id = mentions.length;
          const name = decode(tag.replace(/^<at[^>]*>|<\/at>$/g, ''));
          content = content.split(tag).join(`<at id="${id}">${tag.slice(tag.indexOf('>') + 1)}`);
          mentions.push({
            id,
            mentionText: name,
            mentioned: { user: { id: mentioned, displayName: name, userIdentityType: 'aadUser' } },
          });
        }
        // Failures come before Teams stores anything (injected or throttled), so a retry
        // creates the one message.
        await retried(
          () =>
            graph
              .api(messagesPath(channel))
              .post({ body: { contentType: 'html', content }, mentions }),
          { permanent: clientError },
        );
      };
    };
    const byBot = (m: GraphMessage): boolean => m.from?.application?.id === app.appId;
    const botMessages = async (channel: string) =>
      (await channelMessages(reader, teamId, channel))
        .filter(byBot)
        .map((m) => ({ m, read: readBotMessage(m.body.content) }));
    let extra = 0;

    return {
      workspace: 'main',
      channels,
      user: { id: alice.id },
      connectorConfig: {
        workspaces: {
          main: { tenant_id: tenant, app_id: app.appId, app_password: app.password },
        },
        login_url: sim.url,
        openid_metadata_url: sim.openIdMetadataUrl,
        graph_url: sim.graphUrl,
        default_service_url: sim.serviceUrl,
        service_url_hosts: ['127.0.0.1'],
        // Catch-up is how a Teams bot recovers activities it missed (down, unreachable):
        // often enough that the scenarios' delivery deadlines see its results.
        catchup: { interval_seconds: 5, settle_seconds: 2 },
        extra_ca_certs: sim.caCert,
      },
      post: poster(alice.id),
      bridgedTexts: async (channel) => (await botMessages(channel)).map(({ read }) => read.text),
      userTexts: async (channel) =>
        (await channelMessages(reader, teamId, channel))
          .filter((m) => m.from?.user?.id === alice.id)
          .map((m) => decode(m.body.content).trim()),
      async bridgedMessages(channel) {
        return (await botMessages(channel)).map(({ m, read }) => ({
          text: read.text,
          at: Date.parse(m.createdDateTime),
          authorName: read.authorName ?? 'Matrix Bridge',
          avatarUrl: read.avatarUrl,
        }));
      },
      async addUser(displayName) {
        const user = sim.createUser(tenant, { displayName });
        sim.control.addTeamMember(teamId, user.id);
        extra += 1;
        const escaped = displayName
          .replace(/&/g, '&amp;')
          .replace(/</g, '&lt;')
          .replace(/>/g, '&gt;')
          .replace(/"/g, '&quot;');
        const mention = `<at id="u${extra}">${escaped}</at>`;
        mentionable.set(mention, user.id);
        return { id: user.id, mention, post: poster(user.id) };
      },
      faults: {
        setRateLimit(r) {
          sim.setConnectorRate(r ? windowsFor(r) : BOT_CONNECTOR_WINDOWS);
          sim.setGraphRate({ writes: r ? windowsFor(r) : GRAPH_WRITES });
        },
        failRequests: (status, count, retryAfterSec) =>
          sim.injectFailures({ status, count, ...(retryAfterSec ? { retryAfterSec } : {}) }),
        // Teams has no realtime connection: activities are POSTed to the bot. The analogue is
        // the channel's connection to the bot's endpoint breaking for a while: answers are
        // lost, and the Bot Framework redelivers each activity until the bot answers.
        dropConnection: () => sim.interruptDeliveries(INTERRUPTION_MS),
      },
      activity: teamsActivity({
        human: graphAs(sim, alice.id, client.appId),
        teamId,
        botPosts: async (channel) =>
          (await botMessages(channel)).map(({ m, read }) => ({
            text: read.text,
            reactions: m.reactions?.length ?? 0,
            attachmentNames: (m.attachments ?? []).flatMap((a) => (a.name ? [a.name] : [])),
          })),
      }),
      useBridgeWebhooks,
      async close() {
        await sim.close();
      },
    };
  },
};
