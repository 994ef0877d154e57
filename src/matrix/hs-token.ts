import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

function tokenMatches(provided: string, expected: string): boolean {
  const a = Buffer.from(provided);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Whether a request to the appservice API carries the registration's `hs_token`: as
 * `Authorization: Bearer …` and/or as the legacy `access_token` query parameter (which older
 * homeservers, and Synapse with legacy authorisation on, still send). Every token given must
 * match (the spec: "application services should ensure both match if both are provided"),
 * and an Authorization header of another scheme is a wrong token.
 */
export function hasHomeserverToken(
  req: IncomingMessage,
  query: URLSearchParams,
  expected: string,
): boolean {
  const provided: string[] = [];
  const header = req.headers.authorization;
  if (header !== undefined) {
    const bearer = /^Bearer +(\S+)$/i.exec(header);
    if (!bearer?.[1]) return false;
    provided.push(bearer[1]);
  }
  provided.push(...query.getAll('access_token'));
  return provided.length > 0 && provided.every((t) => tokenMatches(t, expected));
}
