/**
 * The life of a platform's event WebSocket (a plain event socket, a DDP session, a socket-mode
 * link), written once: the reconnect loop, events handled one at a time (a failure to
 * handle one drops the connection, so the catch-up reads it again), frames read as JSON
 * objects (anything else is logged and skipped), and only the current socket heard: a socket
 * the bridge replaced or stopped says nothing more. What the platform's protocol says is the
 * subclass's.
 */
import type { Logger } from 'pino';
import WebSocket from 'ws';
import type { BackoffPolicy } from './backoff.js';
import { parseJsonObject } from './json-frame.js';
import { OrderedTasks, Reconnector, type ReconnectorOptions } from './reconnector.js';
import { errorMessage } from '../util/errors.js';

export interface EventSocketOptions {
  /** The connection's name in logs, e.g. "WebSocket" or "DDP". */
  name: string;
  backoff: BackoffPolicy;
  reconnect?: ReconnectorOptions;
  maxFrameBytes: number;
  handshakeTimeoutMs: number;
  /** Logged (at warn) when an event could not be handled, before the connection is dropped. */
  failure: string;
}

export abstract class EventSocket {
  protected ws: WebSocket | undefined;
  protected readonly reconnect: Reconnector;
  /** The events of the connection, in order; a failure drops the connection. */
  protected readonly tasks: OrderedTasks;

  constructor(
    protected readonly log: Logger,
    private readonly o: EventSocketOptions,
  ) {
    this.reconnect = new Reconnector(o.backoff, () => void this.connect(), o.reconnect);
    this.tasks = new OrderedTasks((err) => {
      this.log.warn({ err: errorMessage(err) }, o.failure);
      this.ws?.terminate();
    });
  }

  start(): void {
    this.reconnect.start();
  }

  /** Stops reconnecting, drops the socket, and waits for the events already taken. */
  async stop(): Promise<void> {
    this.reconnect.stop();
    this.onStop();
    const ws = this.ws;
    this.ws = undefined;
    ws?.terminate();
    await this.tasks.idle();
  }

  /** One attempt to connect (the reconnect loop calls it; it opens a socket or retries). */
  protected abstract connect(): void | Promise<void>;

  /** A JSON object frame of the current socket. */
  protected abstract onFrame(ws: WebSocket, frame: Record<string, unknown>): void;

  /** The current socket closed (not one the bridge replaced or stopped). */
  protected abstract onClosed(ws: WebSocket, code: number, reason: string): void;

  /** What a stop clears besides the socket (timers, pending requests). */
  protected onStop(): void {}

  /** Any frame of the current socket arrived (e.g. to tell a live connection from a dead one). */
  protected onAnyFrame(): void {}

  /** Opens `url` as the current socket and wires its frames, errors and close. */
  protected openSocket(url: string): WebSocket {
    const ws = new WebSocket(url, {
      maxPayload: this.o.maxFrameBytes,
      handshakeTimeout: this.o.handshakeTimeoutMs,
    });
    this.ws = ws;
    ws.on('message', (raw) => {
      if (this.ws !== ws) return;
      this.onAnyFrame();
      const text = raw.toString();
      const frame = parseJsonObject(text);
      if (frame) this.onFrame(ws, frame);
      else
        this.log.warn(
          { bytes: text.length },
          `ignoring a ${this.o.name} frame that is not a JSON object`,
        );
    });
    ws.on('error', (err) => this.log.debug({ err: err.message }, `${this.o.name} socket error`));
    ws.on('close', (code, reason) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.onClosed(ws, code, reason.toString());
    });
    return ws;
  }
}
