import type { Connector, LinkedChannel } from '../../../src/connector/contract.js';
import type { MessageEvent, RemoteEvent } from '../../../src/connector/events.js';
import { definition } from '../../../connectors/rocketchat/index.js';
import type { IdentityMode } from '../../../connectors/rocketchat/config.js';
import { WebhookRouter } from '../../../src/app/webhooks.js';
import { silentLogger } from '../../../src/util/logger.js';
import { RecordingContext, waitFor } from '../../contract/fake-context.js';
import { rest, startWorld, type World } from '../../simulators/rocketchat/helpers.js';

export { rest, waitFor };

export interface Running {
  ctx: RecordingContext;
  connector: Connector;
}

/** The simulator world plus a way to start the connector on it (room `general` linked). */
export async function connectorWorld() {
  const w: World = await startWorld();
  const started: Connector[] = [];
  const start = async (
    opts: {
      identity?: IdentityMode;
      store?: Map<string, string>;
      token?: string;
      linkedAt?: number;
      /** The links the context reports (mutable: push to link more rooms while running). */
      links?: LinkedChannel[];
    } = {},
  ): Promise<Running> => {
    const ctx = new RecordingContext(
      'rocketchat',
      opts.links ?? [
        { workspace: 'main', channel: w.room._id, linkedAt: opts.linkedAt ?? Date.now() - 1000 },
      ],
      // The Rocket.Chat connector serves no webhooks; the router only satisfies the context.
      new WebhookRouter('http://127.0.0.1:9', silentLogger()),
      opts.store,
    );
    const connector = definition.create(ctx, {
      workspaces: {
        main: {
          url: w.sim.url,
          user_id: w.bot._id,
          token: opts.token ?? w.bot.token,
          identity: opts.identity ?? 'auto',
        },
      },
    });
    ctx.connect(connector);
    started.push(connector);
    await connector.start();
    return { ctx, connector };
  };
  const connected = (r: Running) =>
    waitFor('connected', () => r.ctx.lastState('main')?.status === 'connected');
  const post = async (user: World['alice'], msg: string, extra: Record<string, unknown> = {}) =>
    (
      (
        await rest(w.sim, user).post('chat.sendMessage', {
          message: { rid: w.room._id, msg, ...extra },
        })
      ).body.message as { _id: string }
    )._id;
  const eventFor = <K extends RemoteEvent['kind']>(r: Running, kind: K, id: string) =>
    waitFor(`${kind} for ${id}`, () =>
      r.ctx.events.find(
        (e): e is Extract<RemoteEvent, { kind: K }> =>
          e.kind === kind && 'messageId' in e && e.messageId === id,
      ),
    );
  const message = (r: Running, id: string): Promise<MessageEvent> => eventFor(r, 'message', id);
  /**
   * Posts a marker and waits for its event. The room's events reach the connector in order,
   * so whatever it would emit for earlier activity has been emitted by then: the positive
   * end of a "nothing else arrives" check.
   */
  const settled = async (r: Running) => {
    await message(r, await post(w.alice, 'marker: everything before me has been seen'));
  };
  const close = async () => {
    for (const c of started) await c.stop();
    await w.sim.close();
  };
  return { w, start, connected, post, eventFor, message, settled, close };
}
