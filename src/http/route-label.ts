/**
 * A fixed label for the way a request came in, for refusal summaries: raw paths are chosen by
 * the client, so logging them would let a flood of made-up paths defeat the summarising.
 */
export function routeLabel(url: string | undefined): string {
  const path = (url ?? '/').split('?')[0] ?? '/';
  const webhook = /^\/_bridge\/webhooks\/([a-z][a-z0-9-]{0,31})(?:\/|$)/.exec(path);
  if (webhook) return `webhooks/${webhook[1]}`;
  if (/^\/_bridge\/webhooks(?:\/|$)/.test(path)) return 'webhooks';
  if (/^(?:[a-z][a-z0-9+.-]*:\/\/[^/]*)?\/_matrix\/app\//i.test(path)) return 'appservice';
  if (path.startsWith('/_bridge/admin')) return 'provisioning';
  if (path.startsWith('/_bridge/console')) return 'console';
  if (path.startsWith('/_bridge/media')) return 'media';
  return 'other';
}
