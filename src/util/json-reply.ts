import type { IncomingMessage, ServerResponse } from 'node:http';

/** Whether the request announced a body that has not been read to its end. */
export function bodyUnread(req: IncomingMessage): boolean {
  if (req.complete) return false;
  return (
    req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0
  );
}

/**
 * Answers with a JSON body. When the request's body was not read to its end (refused before
 * reading, or too large) the answer says `Connection: close`: Node then closes the socket once
 * the answer is flushed, instead of reading the rest of the body to keep the connection.
 */
export function replyJson(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(text)),
    ...(bodyUnread(req) ? { connection: 'close' } : {}),
    ...headers,
  });
  res.end(text);
}
