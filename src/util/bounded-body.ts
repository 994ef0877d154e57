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
export async function readBoundedBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<Buffer | undefined> {
  const body = await collectBoundedBody(req, limit);
  if (body === 'too_large') {
    refuseTooLarge(req, res, limit);
    return undefined;
  }
  return body;
}

/**
 * Collects the request body up to `limit` bytes without answering: 'too_large' when the
 * declared length or the bytes received pass it (what still arrives is then discarded, not
 * reset, so the caller's answer reaches the client), undefined when the client went away.
 * The caller answers a too-large body with `Connection: close`.
 */
export function collectBoundedBody(
  req: IncomingMessage,
  limit: number,
): Promise<Buffer | 'too_large' | undefined> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve('too_large');
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (body: Buffer | 'too_large' | undefined): void => {
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
      settle('too_large');
      // Whatever still arrives is discarded until Node closes the socket after the answer.
      req.resume();
    };
    const onEnd = (): void => settle(Buffer.concat(chunks));
    const onGone = (): void => settle(undefined);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onGone);
    req.on('close', onGone);
  });
}
