import type { FileInfo } from '@mattermost/types/files';
import type { Post } from '@mattermost/types/posts';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Connector } from '../../../src/connector/contract.js';
import type { MessageEvent } from '../../../src/connector/events.js';
import { FileRefusedError } from '../../../src/connector/file-url.js';
import { definition } from '../../../connectors/mattermost/index.js';
import type { MattermostApi } from '../../../connectors/mattermost/api.js';
import { postContent } from '../../../connectors/mattermost/inbound.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../../../simulators/mattermost/index.js';
import { PATIENT_MATTERMOST } from '../../simulators/mattermost/helpers.js';
import { RecordingContext, waitFor } from '../../contract/fake-context.js';
import { clientFor, type Client4 } from '../../simulators/mattermost/helpers.js';
import {
  HOSTILE_FILE_IDS,
  hostileUrls,
  redirectDownloads,
  startElsewhere,
  type Elsewhere,
} from '../file-url-cases.js';

let sim: MattermostSimulator;
let elsewhere: Elsewhere;
let ctx: RecordingContext;
let connector: Connector;
let alice: Client4;
let channel: string;
const ref = () => ({ workspace: 'main', channel });

beforeAll(async () => {
  sim = await startMattermostSimulator(PATIENT_MATTERMOST);
  elsewhere = await startElsewhere();
  const team = sim.createTeam('agency');
  channel = sim.createChannel(team.id, 'files').id;
  const bot = sim.createUser({ username: 'bridgebot', isBot: true });
  const a = sim.createUser({ username: 'alice' });
  for (const u of [bot, a]) {
    sim.addToTeam(team.id, u.id);
    sim.addToChannel(channel, u.id);
  }
  alice = clientFor(sim, a.token);
  ctx = new RecordingContext(
    'mattermost',
    [{ workspace: 'main', channel, linkedAt: 0 }],
    {} as never,
  );
  connector = definition.create(ctx, {
    workspaces: { main: { url: sim.url, token: bot.token, identity: 'auto' } },
  } as never);
  ctx.connect(connector);
  await connector.start();
});

afterAll(async () => {
  await connector.stop();
  await sim.close();
  await elsewhere.close();
});

afterEach(() => vi.restoreAllMocks());

async function postFile(name: string, body: string): Promise<MessageEvent> {
  const fd = new FormData();
  fd.append('channel_id', channel);
  fd.append('files', new Blob([body], { type: 'text/plain' }), name);
  const up = await alice.uploadFile(fd);
  const post = await alice.createPost({
    channel_id: channel,
    message: 'see file',
    file_ids: [up.file_infos[0]!.id],
  } as Post);
  return waitFor(
    'the post',
    () => ctx.events.find((e) => e.kind === 'message' && e.messageId === post.id) as MessageEvent,
    30_000,
  );
}

const fileRequests = () => sim.requestLog().filter((e) => e.path.startsWith('/api/v4/files/'));

describe('Mattermost files named by a post', () => {
  it('downloads the file the server attached, by its id, from /api/v4/files/<id>', async () => {
    const e = await postFile('notes.txt', 'real bytes');
    const att = e.content.attachments[0]!;
    expect(att.refused).toBeUndefined();
    const got = await connector.downloadFile!(ref(), att.fileId);
    expect(got.data.toString()).toBe('real bytes');
  });

  it.each(HOSTILE_FILE_IDS)(
    'refuses a file id that is not one (%s) without a request',
    async (_n, id) => {
      const before = fileRequests().length;
      await expect(connector.downloadFile!(ref(), id)).rejects.toBeInstanceOf(FileRefusedError);
      expect(fileRequests().length).toBe(before);
      expect(elsewhere.hits).toEqual([]);
    },
  );

  it('marks FileInfos that are not the post’s own as refused (never downloaded)', async () => {
    const info = (id: string, post_id: string) => ({ id, post_id, name: 'x.txt' }) as FileInfo;
    const post = {
      id: 'p'.repeat(26),
      message: '',
      metadata: {
        files: [
          info('a'.repeat(26), 'p'.repeat(26)),
          info('b'.repeat(26), 'q'.repeat(26)),
          info('../../users/me', ''),
          info('c'.repeat(25) + '/', ''),
        ],
      },
    } as unknown as Post;
    const content = await postContent(post, 'main', {} as MattermostApi);
    expect(content.attachments.map((a) => a.refused ?? 'ok')).toEqual([
      'ok',
      'the file belongs to another post',
      'the file id is not a Mattermost file id',
      'the file id is not a Mattermost file id',
    ]);
  });

  describe('a redirect away from the file endpoint is not followed', () => {
    let fileId: string;
    beforeAll(async () => {
      fileId = (await postFile('r.txt', 'redirected')).content.attachments[0]!.fileId;
    });
    const cases = () => hostileUrls(`${sim.url}/api/v4/files/${fileId}`, elsewhere.url);

    it('for every hostile location', async () => {
      const list = cases();
      expect(list.length).toBeGreaterThan(10);
      for (const [name, location] of list) {
        const spy = redirectDownloads(/^\/api\/v4\/files\//, location);
        const err = await connector.downloadFile!(ref(), fileId).catch((e: unknown) => e);
        spy.mockRestore();
        expect(err, name).toBeInstanceOf(FileRefusedError);
      }
      expect(elsewhere.hits).toEqual([]);
    });
  });
});

describe('Mattermost profile pictures', () => {
  const png = Buffer.from('89504e470d0a1a0a', 'hex');
  let userId: string;
  let version: string;
  beforeAll(async () => {
    const carol = sim.createUser({ username: 'carol', avatarPng: png });
    userId = carol.id;
    version = (await connector.getUserInfo!('main', userId)).avatarId ?? '0';
  });
  const imageRequests = () => sim.requestLog().filter((e) => /\/image$/.test(e.path));

  it('downloads the picture from /api/v4/users/<id>/image', async () => {
    const got = await connector.downloadAvatar!('main', userId, version);
    expect(got.data.equals(png)).toBe(true);
  });

  it.each(HOSTILE_FILE_IDS)(
    'refuses a user id that is not one (%s) without a request',
    async (_n, id) => {
      const before = imageRequests().length;
      await expect(connector.downloadAvatar!('main', id, version)).rejects.toBeInstanceOf(
        FileRefusedError,
      );
      expect(imageRequests().length).toBe(before);
      expect(elsewhere.hits).toEqual([]);
    },
  );

  it('follows no redirect away from the image endpoint, for every hostile location', async () => {
    const list = hostileUrls(`${sim.url}/api/v4/users/${userId}/image`, elsewhere.url);
    for (const [name, location] of list) {
      const spy = redirectDownloads(/^\/api\/v4\/users\/[^/]+\/image$/, location);
      const err = await connector.downloadAvatar!('main', userId, version).catch((e: unknown) => e);
      spy.mockRestore();
      expect(err, name).toBeInstanceOf(FileRefusedError);
    }
    expect(elsewhere.hits).toEqual([]);
  });
});
