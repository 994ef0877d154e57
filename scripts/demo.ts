/**
 * The bridge's main job, run locally: a Mattermost simulator and a throw-away Synapse, linked by
 * the bridge running in this process on its embedded default database (PGlite on disk).
 *
 *   npm run demo            # show messages crossing both ways, then stop and clean up
 *   npm run demo -- --keep  # the same, then keep everything running until Ctrl-C, on fixed
 *                           # ports (--port-base N, default 29330), with a config file and
 *                           # an admin user to explore the console, API and CLI
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import mattermostClient from '@mattermost/client';
import type { Post } from '@mattermost/types/posts';
import { definition as mattermost } from '../connectors/mattermost/index.js';
import {
  startMattermostSimulator,
  type MattermostSimulator,
} from '../simulators/mattermost/index.js';
import { BridgeApp } from '../src/app/bridge-app.js';
import { loadConfig, type BridgeConfig } from '../src/config/index.js';
import { createLogger } from '../src/util/logger.js';
import { TestMatrixClient, type MatrixEvent } from '../test/harness/matrix-client.js';
import {
  localBridgeConfig,
  mattermostBlock,
  writeSlotRegistration,
} from '../test/harness/local-bridge.js';
import { freePort } from '../test/harness/ports.js';
import { runChecked } from '../test/harness/proc.js';
import { registerWithSharedSecret } from '../test/harness/register.js';
import {
  ensureSynapseRoot,
  startSynapse,
  synapseRootPath,
  type AppserviceSlot,
  type SynapseHandle,
} from '../test/harness/synapse.js';
import { DemoProgress } from './demo-progress.js';
import { demoPorts, sandboxLines, writeSandbox } from './demo-sandbox.js';

// @mattermost/client is CommonJS; Node's ESM loader does not see Client4 as a named export.
const { Client4 } = mattermostClient;

const KEEP = process.argv.includes('--keep');
const WAIT_MS = 30_000;

const progress = new DemoProgress();
const say = (line: string): void => progress.say(line);
const step = (line: string): void => progress.step(line);
/** Milliseconds since `t`, for showing how long a crossing took. */
const took = (t: number): string => `${Date.now() - t} ms`;

/** Compiled: dist/scripts/demo.js; from source: scripts/demo.ts. */
const SCRIPT_DIR = dirname(fileURLToPath(import.meta.url));

/**
 * Makes sure the Synapse root exists. `ensureSynapseRoot` finds scripts/synapse-root.sh
 * relative to its own file, which works from source; compiled into dist/ it looks in
 * dist/scripts/, where the shell script is not copied, so then run the repository's copy.
 */
async function ensureRoot(): Promise<string> {
  const distRoot = resolve(SCRIPT_DIR, '..');
  if (existsSync(join(distRoot, 'scripts', 'synapse-root.sh'))) return ensureSynapseRoot();
  let repo = distRoot;
  while (!existsSync(join(repo, 'package.json')) && dirname(repo) !== repo) repo = dirname(repo);
  const script = join(repo, 'scripts', 'synapse-root.sh');
  if (!existsSync(script))
    throw new Error(`cannot find scripts/synapse-root.sh above ${SCRIPT_DIR}`);
  const root = synapseRootPath();
  await runChecked('bash', [script], {
    env: { ...process.env, SYNAPSE_ROOT: root },
    timeoutMs: 30 * 60_000,
  });
  return root;
}

async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  timeoutMs = WAIT_MS,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const relatesTo = (e: MatrixEvent): Record<string, unknown> =>
  (e.content['m.relates_to'] ?? {}) as Record<string, unknown>;

interface Running {
  sim?: MattermostSimulator;
  synapse?: SynapseHandle;
  bridge?: BridgeApp;
  workDir?: string;
}

async function cleanup(r: Running): Promise<void> {
  const attempt = async (what: string, fn: () => Promise<void> | void): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      console.error(`cleanup: ${what} failed:`, err);
    }
  };
  if (r.bridge) await attempt('bridge.stop', () => r.bridge!.stop());
  if (r.synapse) await attempt('synapse.stop', () => r.synapse!.stop());
  if (r.sim) await attempt('sim.close', () => r.sim!.close());
  if (r.workDir)
    await attempt('remove temp folder', () => rmSync(r.workDir!, { recursive: true, force: true }));
}

async function main(r: Running): Promise<void> {
  const started = Date.now();

  const ports = demoPorts(process.argv, process.env);
  step('Synapse root');
  const root = await progress.timed('building or checking the Synapse root', ensureRoot);
  say(`synapse root ready: ${root}`);

  step('Mattermost simulator');
  const sim = await startMattermostSimulator({ port: ports?.simulator ?? 0 });
  r.sim = sim;
  const team = sim.createTeam('agency', 'Agency');
  const channel = sim.createChannel(team.id, 'town-square', { displayName: 'Town Square' });
  const bot = sim.createUser({ username: 'bridgebot', isBot: true, firstName: 'Bridge' });
  const alice = sim.createUser({ username: 'alice', firstName: 'Alice', lastName: 'Andersson' });
  for (const u of [bot, alice]) {
    sim.addToTeam(team.id, u.id);
    sim.addToChannel(channel.id, u.id);
  }
  const aliceClient = new Client4();
  aliceClient.setUrl(sim.url);
  aliceClient.setToken(alice.token);
  say(`simulator at ${sim.url}: team ${team.name}, channel ${channel.name} (${channel.id})`);
  say(`users: bot @${bot.username} (${bot.id}), @${alice.username} (${alice.id})`);

  step('Synapse');
  const slot: AppserviceSlot = {
    id: `demo-${randomBytes(4).toString('hex')}`,
    url: `http://127.0.0.1:${ports?.bridge ?? (await freePort())}`,
    asToken: randomBytes(24).toString('hex'),
    hsToken: randomBytes(24).toString('hex'),
    senderLocalpart: 'bridgebot',
    userPrefix: '_bridge_',
  };
  const synapse = await progress.timed('starting Synapse', () =>
    startSynapse({ appservices: [slot], root, logLevel: 'WARNING', port: ports?.synapse }),
  );
  r.synapse = synapse;
  say(
    `synapse at ${synapse.url} (server name ${synapse.serverName}, up in ${synapse.startupMs} ms)`,
  );
  const mariaUser = await registerWithSharedSecret(
    synapse.url,
    synapse.registrationSharedSecret,
    'maria',
    { displayName: 'Maria' },
  );
  const maria = new TestMatrixClient(synapse.url, mariaUser.userId, mariaUser.accessToken);
  const botUserId = `@${slot.senderLocalpart}:${synapse.serverName}`;
  const roomId = await maria.createRoom({
    name: 'Town Square (bridged)',
    preset: 'private_chat',
    invite: [botUserId],
  });
  say(`registered ${maria.userId}; created room ${roomId}, invited ${botUserId}`);

  step('Bridge');
  const workDir = mkdtempSync(join(tmpdir(), 'bridge-demo-'));
  r.workDir = workDir;
  const registrationPath = writeSlotRegistration(slot, synapse.serverName, workDir);
  const dataDir = join(workDir, 'pglite');
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(24).toString('hex');
  const sandbox = writeSandbox(
    workDir,
    demoConfig(
      localBridgeConfig({
        slot,
        synapseUrl: synapse.url,
        serverName: synapse.serverName,
        registrationPath,
        dataDir,
        roomId,
        links: [{ connector: 'mattermost', workspace: 'main', channel: channel.id }],
        connectors: { mattermost: mattermostBlock(sim.url, bot.token) },
      }),
      secret,
      maria.userId,
    ),
    { provisioning: secret, mattermostToken: bot.token },
  );
  // The bridge runs on the file as written, so the file is known to work for the CLI too.
  const config = loadConfig(sandbox.configPath, {
    connectorSchemas: { mattermost: mattermost.configSchema },
  });
  const bridge = new BridgeApp(config, [mattermost], createLogger('warn'));
  r.bridge = bridge;
  await progress.timed('starting the bridge (storage, catch-up, joining the room)', () =>
    bridge.start(),
  );
  say(`bridge listening on ${slot.url}, database PGlite in ${dataDir}`);
  say(`portal: ${roomId} <-> mattermost/main/${channel.id}`);

  const ghost = `@${slot.userPrefix}mattermost_main_${alice.id}:${synapse.serverName}`;
  const fromGhost = (predicate: (e: MatrixEvent) => boolean): Promise<MatrixEvent> =>
    maria.waitForEvent(roomId, (e) => e.sender === ghost && predicate(e), WAIT_MS);
  const bridgedPost = (what: string, predicate: (p: Post) => boolean): Promise<Post> =>
    waitUntil(what, () => sim.posts(channel.id).find((p) => p.user_id === bot.id && predicate(p)));
  const counts = { toMatrix: 0, toMattermost: 0 };

  step('Mattermost -> Matrix');
  const mmText = 'Hello from Mattermost **with formatting**';
  let t = Date.now();
  const mmRoot = await aliceClient.createPost({ channel_id: channel.id, message: mmText } as Post);
  const mmRootEv = await fromGhost(
    (e) => e.type === 'm.room.message' && String(e.content.body).includes('Hello from Mattermost'),
  );
  const ghostName = (await maria.getProfile(ghost)).displayname ?? ghost;
  say(`[mattermost] alice posts: ${mmText}`);
  say(`[matrix] ${ghostName}: ${mmRootEv.content.body}  [${took(t)}]`);
  if (mmRootEv.content.formatted_body) say(`         (html: ${mmRootEv.content.formatted_body})`);
  counts.toMatrix++;

  t = Date.now();
  await aliceClient.createPost({
    channel_id: channel.id,
    message: 'and a reply in the thread',
    root_id: mmRoot.id,
  } as Post);
  const mmReplyEv = await fromGhost((e) => e.content.body === 'and a reply in the thread');
  const rel = relatesTo(mmReplyEv);
  say(`[matrix] ${ghostName}: ${mmReplyEv.content.body}  [${took(t)}]`);
  say(
    `         (${String(rel.rel_type)} under ${String(rel.event_id)}${rel.event_id === mmRootEv.event_id ? ', the first message' : ''})`,
  );
  counts.toMatrix++;

  t = Date.now();
  await aliceClient.addReaction(alice.id, mmRoot.id, 'thumbsup');
  const mmReactionEv = await fromGhost((e) => e.type === 'm.reaction');
  const rrel = relatesTo(mmReactionEv);
  say(`[mattermost] alice reacts :thumbsup: to her first post`);
  say(
    `[matrix] ${ghostName} reacted ${String(rrel.key)} to ${String(rrel.event_id)}${rrel.event_id === mmRootEv.event_id ? ' (the first message)' : ''}  [${took(t)}]`,
  );
  counts.toMatrix++;

  step('Matrix -> Mattermost');
  const html = 'Hi Alice, this is <b>Maria</b> from <em>Matrix</em> with <code>code</code>';
  t = Date.now();
  const mxRootId = await maria.sendMessage(roomId, {
    msgtype: 'm.text',
    body: 'Hi Alice, this is **Maria** from _Matrix_ with `code`',
    format: 'org.matrix.custom.html',
    formatted_body: html,
  });
  const mxRoot = await bridgedPost('the HTML message on Mattermost', (p) =>
    p.message.includes('Hi Alice'),
  );
  const overrideName = (p: Post): string =>
    String((p.props as Record<string, unknown> | undefined)?.override_username ?? '(bot)');
  say(`[matrix] Maria sends html: ${html}`);
  say(`[mattermost] ${overrideName(mxRoot)}: ${mxRoot.message}  [${took(t)}]`);
  counts.toMattermost++;

  t = Date.now();
  await maria.threadReply(roomId, mxRootId, 'replying in the thread from Matrix');
  const mxReply = await bridgedPost('the thread reply on Mattermost', (p) =>
    p.message.includes('replying in the thread'),
  );
  say(`[mattermost] ${overrideName(mxReply)}: ${mxReply.message}  [${took(t)}]`);
  say(
    `         (root_id ${mxReply.root_id}${mxReply.root_id === mxRoot.id ? ', the HTML message' : ''})`,
  );
  counts.toMattermost++;

  t = Date.now();
  await maria.sendReaction(roomId, mxRootId, '🎉');
  const reactions = await waitUntil('the reaction on Mattermost', async () => {
    const list = await aliceClient.getReactionsForPost(mxRoot.id);
    return list.length > 0 ? list : undefined;
  });
  say(`[matrix] Maria reacts 🎉 to her message`);
  say(
    `[mattermost] reactions on ${mxRoot.id}: ${reactions.map((x) => `:${x.emoji_name}: by ${x.user_id === bot.id ? 'the bot' : x.user_id}`).join(', ')}  [${took(t)}]`,
  );
  counts.toMattermost++;

  step('Summary');
  say(`Mattermost -> Matrix: ${counts.toMatrix} events (message, thread reply, reaction)`);
  say(`Matrix -> Mattermost: ${counts.toMattermost} events (message, thread reply, reaction)`);
  say(`posts in ${channel.name}: ${sim.posts(channel.id).length}`);
  say(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (!KEEP) {
    say('next: `npm run demo -- --keep` keeps it all running to explore the console, API and');
    say('CLI; README.md "Running it for real" connects a real homeserver and platform.');
  }

  if (KEEP) {
    step('Keeping everything running (Ctrl-C to stop)');
    const lines = sandboxLines({
      ...sandbox,
      bridgeUrl: slot.url,
      synapseUrl: synapse.url,
      simulatorUrl: sim.url,
      roomId,
      channelId: channel.id,
      matrixUser: maria.userId,
      matrixPassword: mariaUser.password,
      matrixToken: mariaUser.accessToken,
      aliceToken: alice.token,
    });
    for (const line of lines) say(line);
    say(`synapse log: ${synapse.logFile}`);
    await new Promise<void>((resolveWait) => {
      process.once('SIGINT', () => resolveWait());
      process.once('SIGTERM', () => resolveWait());
    });
    say('\nstopping...');
  }
}

/**
 * The demo bridge's config: the local one, plus the provisioning API, console and metrics
 * with a secret, and the demo's Matrix user as the bridge's admin.
 */
function demoConfig(base: BridgeConfig, secret: string, adminUser: string): BridgeConfig {
  return {
    ...base,
    permissions: { [adminUser]: 'admin' },
    admin: {
      provisioning: { enabled: true, secret, openid: true },
      console: { enabled: true },
      metrics: { enabled: true },
    },
  } as BridgeConfig;
}

const running: Running = {};
let code = 0;
try {
  await main(running);
} catch (err) {
  console.error('\ndemo failed:', err);
  code = 1;
}
await cleanup(running);
if (code === 0) say('stopped cleanly');
process.exit(code);
