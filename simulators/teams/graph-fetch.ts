import type { Context, Middleware } from '@microsoft/microsoft-graph-client';
import { Agent, fetch as undiciFetch } from 'undici';

/** fetch that trusts the simulator's own certificate (and nothing else extra). */
export function trustingFetch(caCert: string): typeof undiciFetch {
  const dispatcher = new Agent({ connect: { ca: caCert } });
  return ((input: Parameters<typeof undiciFetch>[0], init?: Parameters<typeof undiciFetch>[1]) =>
    undiciFetch(input, { ...init, dispatcher })) as typeof undiciFetch;
}

/** The Graph client's last middleware, sending through `doFetch` (e.g. `trustingFetch`). */
export class FetchHandler implements Middleware {
  constructor(private readonly doFetch: typeof undiciFetch) {}
  async execute(context: Context): Promise<void> {
    context.response = (await this.doFetch(
      context.request as string,
      context.options as never,
    )) as unknown as Response;
  }
}
