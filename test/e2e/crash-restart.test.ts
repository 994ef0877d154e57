import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import type { Post } from '@mattermost/types/posts';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createWorld, type MattermostWorld } from './mattermost-fixture.js';

// The bridge runs as a real process (from the build) so it can be SIGKILLed mid-stream.
const MAIN = join(import.meta.dirname, '../../dist/src/cli/main.js');
const COUNT = 24;
const KILL_AFTER = 8;

let world: MattermostWorld;
let proc: ChildProcess | undefined;
let configPath: string;
let logs = '';

function startBridgeProcess(): ChildProcess {
  const child = spawn(process.execPath, [MAIN, 'start', '-c', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.on('data', (d: Buffer) => (logs += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (logs += d.toString()));
  child.on('exit', (code, signal) => (logs += `[bridge exited: ${code ?? signal}]\n`));
  child.on('error', (err) => (logs += `[bridge failed to start: ${err.message}]\n`));
  return child;
}

async function killBridge(): Promise<void> {
  const child = proc;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

async function until<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline)
      throw new Error(`timed out: ${what}\nbridge log tail:\n${logs.slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

beforeAll(async () => {
  world = await createWorld({ dataDir: '' });
  world.config.database.data_dir = join(world.workDir, 'pglite');
  world.config.logging.level = 'warn';
  configPath = world.writeConfigFile();
  proc = startBridgeProcess();
});

afterAll(async () => {
  await killBridge();
  await world?.close();
});

it('loses and duplicates nothing when the bridge is killed mid-stream', async () => {
  const ghost = world.ghostOf(world.alice.id);
  const matrixBodies = async (): Promise<string[]> => {
    const res = await world.matrix.messages(world.roomId, { limit: 200, dir: 'b' });
    return res.chunk
      .filter(
        (e) =>
          e.sender === ghost &&
          e.type === 'm.room.message' &&
          String(e.content.body).startsWith('mm-'),
      )
      .map((e) => String(e.content.body))
      .reverse();
  };
  const matrixBodiesAll = async (): Promise<string[]> =>
    (await world.matrix.messages(world.roomId, { limit: 50, dir: 'b' })).chunk
      .filter((e) => e.sender === ghost)
      .map((e) => String(e.content.body));
  const mattermostBodies = (): string[] =>
    world.sim
      .posts(world.channelId)
      .filter((p) => p.user_id === world.bot.id && p.message.startsWith('mx-'))
      .map((p) => p.message);

  // Wait for the bridge to be up: its bot joins the room, then a first message crosses.
  await until(
    'the bridge bot to join the room',
    async () =>
      world.botUserId in (await world.matrix.joinedMembers(world.roomId)) ? true : undefined,
    60_000,
  );
  await world.alice.client.createPost({ channel_id: world.channelId, message: 'warm-up' } as Post);
  await until('the bridge to relay a first post', async () =>
    (await matrixBodiesAll()).includes('warm-up') ? true : undefined,
  );

  for (let i = 0; i < COUNT; i++) {
    if (i === KILL_AFTER) await killBridge();
    await world.matrix.sendMessage(world.roomId, `mx-${i}`);
    await world.alice.client.createPost({
      channel_id: world.channelId,
      message: `mm-${i}`,
    } as Post);
  }
  // Restart: the homeserver redelivers unacknowledged transactions; the connector resyncs
  // the posts it missed from its cursor.
  proc = startBridgeProcess();

  const expectedMatrix = Array.from({ length: COUNT }, (_, i) => `mx-${i}`);
  const expectedMattermost = Array.from({ length: COUNT }, (_, i) => `mm-${i}`);
  await until('every Matrix message on Mattermost', async () =>
    mattermostBodies().length >= COUNT ? true : undefined,
  );
  await until('every Mattermost post on Matrix', async () =>
    (await matrixBodies()).length >= COUNT ? true : undefined,
  );
  // Let any late duplicate show up before counting.
  await new Promise((r) => setTimeout(r, 2000));

  const report = {
    matrixToMattermost: mattermostBodies(),
    mattermostToMatrix: await matrixBodies(),
  };
  console.log(
    `crash-restart: sent ${COUNT} each way; delivered ${report.matrixToMattermost.length} to Mattermost, ${report.mattermostToMatrix.length} to Matrix`,
  );
  expect(report.matrixToMattermost).toEqual(expectedMatrix);
  expect(report.mattermostToMatrix).toEqual(expectedMattermost);
});
