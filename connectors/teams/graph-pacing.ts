/**
 * Graph reads paced with the toolkit's rate pacer, as a step of the Graph client's middleware
 * chain: every GET of one app (or one linked user) waits for a token, and a 429 pauses all of
 * them for Graph's Retry-After. Nothing is retried here: the refused read fails to its caller
 * (the core's delivery retry, the workspace's catch-up back-off, or the person in the console).
 */
import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import type { RatePacer } from '../../src/connector/index.js';
import { parseRetryAfter } from '../../src/connector/index.js';

export interface GraphReadPacing {
  pacer: RatePacer;
  /** Who the limit counts: the app in its tenant, or one linked user. */
  key: string;
}

export class ReadPacingHandler implements Middleware {
  private next: Middleware | undefined;

  constructor(private readonly pacing: GraphReadPacing) {}

  setNext(next: Middleware): void {
    this.next = next;
  }

  async execute(context: Context): Promise<void> {
    const method = (context.options?.method ?? 'GET').toUpperCase();
    const read = method === 'GET' || method === 'HEAD';
    if (read) await this.pacing.pacer.take(this.pacing.key);
    try {
      await this.next!.execute(context);
    } finally {
      if (read) this.pacing.pacer.answered(this.pacing.key);
    }
    const res = context.response;
    if (read && res?.status === 429) {
      this.pacing.pacer.pause(this.pacing.key, parseRetryAfter(res.headers.get('retry-after')));
    }
  }
}
