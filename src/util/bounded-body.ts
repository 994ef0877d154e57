import type { IncomingMessage, ServerResponse } from 'node:http';
import { replyJson } from './json-reply.js';

function refuseTooLarge(req: IncomingMessage, res: ServerResponse, limit: number): void {
  replyJson(
    req,
    res,
    413,
    { errcode: 'M_TOO_LARGE', error: `body over ${limit} bytes` },
    { connection: 'close' },
  );
}

/**
 * The request body, at most `limit` bytes. A larger declared Content-Length is answered 413 at
 * once, without reading anything; a body without a length (chunked) that grows past the limit
 * stops being collected and is answered 413. Either way the answer says `Connection: close`, so
 * the socket is closed only after the answer has been flushed (never reset under the client).
 * Resolves undefined when it answered 413 or when the client went away before the end.
 */
export function readBoundedBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<Buffer | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > limit) {
    refuseTooLarge(req, res, limit);
    return Promise.resolve(undefined);
  }
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (body: Buffer | undefined): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onGone);
      req.off('close', onGone);
      resolve(body);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= limit) {
        chunks.push(chunk);
        return;
      }
      chunks.length = 0;
      settle(undefined);
      // Whatever still arrives is discarded until Node closes the socket after the answer.
      req.resume();
      refuseTooLarge(req, res, limit);
    };
    const onEnd = (): void => settle(Buffer.concat(chunks));
    const onGone = (): void => settle(undefined);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
  });
}
