import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RemoteApiError } from '../../../src/connector/errors.js';
import type { MessageEvent } from '../../../src/connector/events.js';
import { checkFileUrl, FileRefusedError } from '../../../src/connector/file-url.js';
import { downloadRules } from '../../../connectors/teams/files.js';
import { botAttachmentFileId, shareFileId } from '../../../connectors/teams/ids.js';
import { waitFor } from '../../contract/fake-context.js';
import {
  HOSTILE_FILE_IDS,
  hostileUrls,
  startElsewhere,
  type Elsewhere,
} from '../file-url-cases.js';
import { teamsWorld, type TeamsTestWorld } from './world.js';

let w: TeamsTestWorld;
let elsewhere: Elsewhere;
let report: { webUrl: string; guid: string };
const ref = () => ({ workspace: 'contoso', channel: w.channelId });
const channelPath = () => `/teams/${w.teamId}/channels/${w.channelId}`;

beforeAll(async () => {
  w = await teamsWorld();
  elsewhere = await startElsewhere();
  const alice = w.graphAs(w.alice.id);
  const folder = (await alice.api(`${channelPath()}/filesFolder`).get()) as {
    id: string;
    parentReference: { driveId: string };
  };
  const item = (await alice
    .api(`/drives/${folder.parentReference.driveId}/items/${folder.id}:/report.pdf:/content`)
    .header('content-type', 'application/pdf')
    .put(Buffer.from('%PDF report'))) as { webUrl: string; eTag: string };
  report = { webUrl: item.webUrl, guid: /\{([^}]+)\}/.exec(item.eTag)![1]! };
}, 60_000);
afterAll(async () => {
  await w?.close();
  await elsewhere?.close();
});
afterEach(() => w.sim.control.redirectDownloads(undefined));

const messageEvent = (id: string, pred: (e: MessageEvent) => boolean = () => true) =>
  waitFor(
    `the message ${id}`,
    () =>
      w.ctx.events.find(
        (e): e is MessageEvent => e.kind === 'message' && e.messageId === id && pred(e),
      ),
    30_000,
  );

/** Alice posts a card for the report through Graph, as Teams clients do; returns its id. */
async function postReportCardId(): Promise<string> {
  const msg = (await w
    .graphAs(w.alice.id)
    .api(`${channelPath()}/messages`)
    .post({
      body: { contentType: 'html', content: `<attachment id="${report.guid}"></attachment>` },
      attachments: [
        {
          id: report.guid,
          contentType: 'reference',
          contentUrl: report.webUrl,
          name: 'report.pdf',
        },
      ],
    })) as { id: string };
  return msg.id;
}

/** The card, as the connector emits it. */
async function postReportCard(): Promise<MessageEvent> {
  return messageEvent(await postReportCardId());
}

const hostileCards = (): Array<[string, string]> => [
  ...hostileUrls(report.webUrl, elsewhere.url),
  ['plain http SharePoint', 'http://contoso.sharepoint.com/sites/x/a.pdf'],
  ['SharePoint look-alike', 'https://contoso.sharepoint.com.evil.example/sites/x/a.pdf'],
  ['SharePoint as userinfo', 'https://contoso.sharepoint.com@evil.example/sites/x/a.pdf'],
  ['two labels before sharepoint.com', 'https://a.b.sharepoint.com/sites/x/a.pdf'],
  ['bare sharepoint.com', 'https://sharepoint.com/sites/x/a.pdf'],
  ['a Graph API path', `${w.sim.graphUrl}/users`],
];

describe('Teams files named by a message', () => {
  it('fetches a SharePoint card through Graph, and its pre-authenticated link without the token', async () => {
    const e = await postReportCard();
    const att = e.content.attachments[0]!;
    expect(att).toMatchObject({ fileId: shareFileId(report.webUrl), name: 'report.pdf' });
    expect(att.refused).toBeUndefined();
    const got = await w.connector.downloadFile(ref(), att.fileId);
    expect(got.data.toString()).toBe('%PDF report');
    // Graph gets the app token; the download.aspx hop (the link is the credential) gets none.
    const rules = downloadRules(w.sim.graphUrl);
    const hop = (url: string) => checkFileUrl(url, rules).rule.credentials;
    expect(hop(`${w.sim.graphUrl}/shares/u!abc/driveItem/content`)).toBe(true);
    expect(hop(`${w.sim.url}/_layouts/15/download.aspx?tempauth=x`)).toBe(false);
    expect(hop('https://contoso.sharepoint.com/sites/a/_layouts/15/download.aspx?x=1')).toBe(false);
    expect(hop('https://contoso-my.sharepoint.com/personal/a/_layouts/15/download.aspx?x')).toBe(
      false,
    );
  });

  it('keeps the files when Graph fails to name them for a while, and the order', async () => {
    // Every read of one message fails 503 for a while: the activity is refused, not emitted
    // bare, and what follows it waits until the catch-up has emitted it from Graph.
    w.sim.injectFailures({
      status: 503,
      count: 3,
      pattern: /^GET \/v1\.0\/teams\/[^/]+\/channels\/[^/]+\/messages\/(?!delta$)[^/]+$/,
    });
    const card = await postReportCardId();
    const after = w.sim.control.post(w.alice.id, w.channelId, 'posted after the card');
    const e = await messageEvent(card);
    expect(e.content.attachments.map((a) => a.name)).toEqual(['report.pdf']);
    await messageEvent(after);
    const order = w.ctx.events
      .filter((x) => x.kind === 'message' && [e.messageId, after].includes(x.messageId))
      .map((x) => (x.kind === 'message' ? x.messageId : ''));
    expect(order).toEqual([e.messageId, after]);
  });

  it('refuses every card whose URL is not a SharePoint file (never fetched)', async () => {
    const cards = hostileCards();
    const ids = cards.map((_, i) => `a${i}`);
    const html = ids.map((id) => `<attachment id="${id}"></attachment>`).join('');
    const id = w.sim.control.post(w.alice.id, w.channelId, html, { html: true });
    // What a client other than Teams' own could attach: the simulator's Graph would refuse it.
    w.sim.control.message(id).attachments.push(
      ...cards.map(([name, contentUrl], i) => ({
        id: ids[i]!,
        contentType: 'reference',
        contentUrl,
        name,
      })),
    );
    const e = await messageEvent(id);
    expect(e.content.attachments.map((a) => [a.name, a.fileId, Boolean(a.refused)])).toEqual(
      cards.map(([name]) => [name, '', true]),
    );
    expect(elsewhere.hits).toEqual([]);
  });

  it('refuses file.download.info cards of an activity that point elsewhere', async () => {
    const id = w.sim.control.post(w.alice.id, w.channelId, 'see file');
    await messageEvent(id);
    const cards = hostileCards();
    // The same message again under a new id (the connector emits each activity id once).
    const forgedId = `${id}9`;
    const status = await w.sim.deliverForged(w.app.appId, id, undefined, (a) => ({
      ...a,
      id: forgedId,
      attachments: [
        ...((a.attachments as unknown[]) ?? []),
        ...cards.map(([name, contentUrl]) => ({
          contentType: 'application/vnd.microsoft.teams.file.download.info',
          contentUrl,
          name,
          content: { downloadUrl: contentUrl },
        })),
      ],
    }));
    expect(status).toBe(200);
    const e = await messageEvent(forgedId);
    expect(e.content.attachments.map((a) => [a.name, Boolean(a.refused)])).toEqual(
      cards.map(([name]) => [name, true]),
    );
  });

  /** Delivers a personal-chat message again under a new id, with `attachments` added. */
  async function sendToBot(attachments: Array<Record<string, unknown>>): Promise<MessageEvent> {
    const id = w.sim.control.post(w.alice.id, w.personalId, 'for the bot');
    await messageEvent(id);
    const forgedId = `${id}7`;
    const status = await w.sim.deliverForged(w.app.appId, id, undefined, (a) => ({
      ...a,
      id: forgedId,
      attachments: [...((a.attachments as unknown[]) ?? []), ...attachments],
    }));
    expect(status).toBe(200);
    return messageEvent(forgedId);
  }

  it('fetches a file sent to the bot from the Bot Connector’s attachment endpoint', async () => {
    const contentUrl = w.sim.control.addBotAttachment(Buffer.from('photo'), 'image/png');
    const e = await sendToBot([{ contentType: 'image/png', contentUrl, name: 'photo.png' }]);
    const att = e.content.attachments[0]!;
    expect(att).toMatchObject({ name: 'photo.png', kind: 'image', mimetype: 'image/png' });
    expect(att.refused).toBeUndefined();
    const got = await w.connector.downloadFile(
      { workspace: 'contoso', channel: w.personalId },
      att.fileId,
    );
    expect(got.data.toString()).toBe('photo');
  });

  it('refuses files sent to the bot that are not at the conversation’s Bot Connector', async () => {
    const good = w.sim.control.addBotAttachment(Buffer.from('x'), 'image/png');
    const cards: Array<[string, string]> = [
      ...hostileUrls(good, elsewhere.url),
      [
        'another Bot Connector',
        'https://smba.trafficmanager.net/amer/v3/attachments/a/views/original',
      ],
      ['not an attachment path', `${w.sim.serviceUrl}v3/conversations/x/activities`],
    ];
    const e = await sendToBot(
      cards.map(([name, contentUrl]) => ({ contentType: 'image/png', contentUrl, name })),
    );
    expect(e.content.attachments.map((a) => [a.name, a.fileId, Boolean(a.refused)])).toEqual(
      cards.map(([name]) => [name, '', true]),
    );
    expect(elsewhere.hits).toEqual([]);
  });

  it('refuses an inline image that is another message’s hosted content', async () => {
    const alice = w.graphAs(w.alice.id);
    const secret = (await alice.api(`${channelPath()}/messages`).post({
      body: { contentType: 'html', content: 'secret <img src="../hostedContents/1/$value">' },
      hostedContents: [
        {
          '@microsoft.graph.temporaryId': '1',
          contentBytes: Buffer.from('secret image').toString('base64'),
          contentType: 'image/png',
        },
      ],
    })) as { id: string; body: { content: string } };
    const src = /<img src="([^"]+)"/.exec(secret.body.content)![1]!;
    const id = w.sim.control.post(w.alice.id, w.chatId, `look <img src="${src}">`, {
      html: true,
    });
    const e = await messageEvent(id);
    expect(e.content.attachments).toEqual([
      expect.objectContaining({ fileId: '', refused: 'the image is not part of this message' }),
    ]);
  });

  const hostileIds = (): Array<[string, string]> => [
    ...HOSTILE_FILE_IDS,
    ...hostileCards().map(([n, url]): [string, string] => [`share of ${n}`, shareFileId(url)]),
    ['hosted: not hosted content', 'hc:/users/x/photo/$value'],
    ['hosted: dot segments', 'hc:/chats/x/messages/1/hostedContents/../../../../me/$value'],
    ['hosted: absolute', `hc:https://evil.example/chats/x/messages/1/hostedContents/a/$value`],
    ...hostileUrls(`${w.sim.serviceUrl}v3/attachments/a/views/original`, elsewhere.url).map(
      ([n, url]): [string, string] => [`bot attachment: ${n}`, botAttachmentFileId(url)],
    ),
  ];

  it('refuses file ids that are not a checked share or hosted content, without a request', async () => {
    const before = w.sim.requestLog().length;
    for (const [name, id] of hostileIds()) {
      const err = await w.connector.downloadFile(ref(), id).catch((x: unknown) => x);
      expect(err, name).toBeInstanceOf(FileRefusedError);
    }
    const after = w.sim.requestLog().slice(before);
    expect(after.filter((x) => /shares|hostedContents|download|attachments/.test(x.path))).toEqual(
      [],
    );
  });

  /** The download's failure, asked again while Graph only rate-limits the quick succession. */
  const outcomeOf = (fileId: string) =>
    waitFor(
      'a final answer',
      async () => {
        const err = await w.connector.downloadFile(ref(), fileId).catch((x: unknown) => x);
        return err instanceof RemoteApiError && err.status === 429 ? undefined : { err };
      },
      60_000,
    ).then((o) => o.err);

  it('never follows Graph’s redirect anywhere but a pre-authenticated SharePoint link', async () => {
    const e = await postReportCard();
    const fileId = e.content.attachments[0]!.fileId;
    const good = `${w.sim.url}/_layouts/15/download.aspx?tempauth=x`;
    for (const [name, location] of [
      ...hostileUrls(good, elsewhere.url),
      ['SharePoint page, not download.aspx', `${w.sim.url}/sites/x/Shared%20Documents/a.pdf`],
    ]) {
      w.sim.control.redirectDownloads(location);
      const err = await outcomeOf(fileId);
      expect(err, name).toBeInstanceOf(FileRefusedError);
    }
    expect(elsewhere.hits).toEqual([]);
  }, 120_000);
});
