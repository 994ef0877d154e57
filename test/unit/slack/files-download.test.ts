import { WebClient } from '@slack/web-api';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MessageEvent } from '../../../src/connector/events.js';
import { FileRefusedError } from '../../../src/connector/file-url.js';
import { fileOrigin } from '../../../connectors/slack/files.js';
import { messageContent } from '../../../connectors/slack/inbound.js';
import { waitFor } from '../../contract/fake-context.js';
import {
  HOSTILE_FILE_IDS,
  hostileUrls,
  redirectDownloads,
  startElsewhere,
  type Elsewhere,
} from '../file-url-cases.js';
import { startRig, type Rig } from './helpers.js';

let r: Rig;
let alice: WebClient;
let elsewhere: Elsewhere;
const ref = () => ({ workspace: 'main', channel: r.channel });

beforeAll(async () => {
  r = await startRig('socket');
  await waitFor('connected', () => r.ctx.lastState('main')?.status === 'connected', 30_000);
  alice = new WebClient(r.alice.token, { slackApiUrl: r.sim.apiUrl });
  elsewhere = await startElsewhere();
});
afterAll(async () => {
  await r.close();
  await elsewhere.close();
});
afterEach(() => vi.restoreAllMocks());

/** Alice shares a file; resolves to its id and the event the connector emitted. */
async function shareFile(name: string, body: string): Promise<{ id: string; e: MessageEvent }> {
  const up = await alice.filesUploadV2({
    channel_id: r.channel,
    file: Buffer.from(body),
    filename: name,
  });
  const file = (
    up.files as Array<{
      files: Array<{ id: string; shares: { public: Record<string, Array<{ ts: string }>> } }>;
    }>
  )[0]!.files[0]!;
  const ts = file.shares.public[r.channel]![0]!.ts;
  const e = await waitFor(
    `the message ${ts}`,
    () => r.ctx.events.find((x): x is MessageEvent => x.kind === 'message' && x.messageId === ts),
    30_000,
  );
  return { id: file.id, e };
}

const downloads = () => r.sim.requestLog().filter((x) => x.method === 'files.info').length;

describe('Slack files named by a message', () => {
  it('takes the file id from the event and the URL only from files.info', async () => {
    const { id, e } = await shareFile('a.txt', 'real bytes');
    expect(e.content.attachments[0]).toMatchObject({ fileId: id });
    expect(e.content.attachments[0]!.refused).toBeUndefined();
    expect((await r.connector.downloadFile!(ref(), id)).data.toString()).toBe('real bytes');
  });

  it('serves files from files.slack.com for Slack itself and from the API host otherwise', () => {
    expect(fileOrigin('https://slack.com/api/')).toBe('https://files.slack.com');
    expect(fileOrigin('https://acme.enterprise.slack.com/api/')).toBe('https://files.slack.com');
    expect(fileOrigin('http://127.0.0.1:4000/api/')).toBe('http://127.0.0.1:4000');
  });

  it.each(HOSTILE_FILE_IDS)(
    'refuses a file id that is not one (%s) before any call',
    async (_n, id) => {
      const before = downloads();
      await expect(r.connector.downloadFile!(ref(), id)).rejects.toBeInstanceOf(FileRefusedError);
      expect(downloads()).toBe(before);
    },
  );

  it('refuses every url_private files.info could give that is not this file on the file host', async () => {
    const { id } = await shareFile('b.txt', 'secret');
    const other = await shareFile('c.txt', 'other');
    const good = `${r.sim.apiUrl.replace(/\/api\/$/, '')}/files-pri/${r.teamId}-${id}/b.txt`;
    const cases: Array<[string, string]> = [
      ...hostileUrls(good, elsewhere.url),
      ['another file of the team', good.replace(id, other.id)],
      ['a file id suffix', good.replace(id, `${id}X`)],
    ];
    for (const [name, url] of cases) {
      r.sim.setFileUrls(id, { private: url, download: url });
      const err = await r.connector.downloadFile!(ref(), id).catch((x: unknown) => x);
      expect(err, name).toBeInstanceOf(FileRefusedError);
    }
    expect(elsewhere.hits).toEqual([]);
  });

  it('never follows a redirect away from the file, nor sends the token there', async () => {
    const { id } = await shareFile('d.txt', 'redirected');
    const good = `${r.sim.apiUrl.replace(/\/api\/$/, '')}/files-pri/${r.teamId}-${id}/download/d.txt`;
    for (const [name, location] of hostileUrls(good, elsewhere.url)) {
      const spy = redirectDownloads(/^\/files-pri\//, location);
      const err = await r.connector.downloadFile!(ref(), id).catch((x: unknown) => x);
      spy.mockRestore();
      expect(err, name).toBeInstanceOf(FileRefusedError);
    }
    expect(elsewhere.hits).toEqual([]);
  });

  it('keeps only the id of an event file and refuses ids that are not Slack file ids', async () => {
    const evil = `${elsewhere.url}/files-pri/T1-F1/x.txt`;
    const msg = {
      type: 'message',
      text: '',
      files: [
        { id: 'F0123ABC', name: 'ok.txt', url_private: evil, url_private_download: evil },
        { id: '../../api/auth.test', name: 'dots.txt' },
        { id: 'F1/F2', name: 'slash.txt' },
        { id: 'https://evil.example/x', name: 'url.txt' },
      ],
    };
    const content = await messageContent(msg as never, { resolver: async () => ({}) } as never);
    expect(content.attachments.map((a) => [a.name, a.fileId, a.refused ?? 'ok'])).toEqual([
      ['ok.txt', 'F0123ABC', 'ok'],
      ['dots.txt', '', 'the file id is not a Slack file id'],
      ['slash.txt', '', 'the file id is not a Slack file id'],
      ['url.txt', '', 'the file id is not a Slack file id'],
    ]);
    expect(JSON.stringify(content)).not.toContain(elsewhere.url);
  });
});
