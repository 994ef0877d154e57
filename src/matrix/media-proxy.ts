import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Application, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ImageRefusedError } from '../media/image-errors.js';
import { sniffImage } from '../media/sniff-image.js';
import { errorMessage } from '../util/errors.js';
import { RefusalLog } from '../util/refusal-log.js';
import { imageHeaders, USER_CONTENT_CSP } from '../util/security-headers.js';
import type { MatrixGateway } from './matrix-gateway.js';
import { parseMxc } from './matrix-gateway.js';

const MAX_AVATAR_BYTES = 5 * 1024 * 1024;
const ROUTE = '/_bridge/media';

/**
 * A refusal: JSON that says why, never the media's bytes, with the headers of user content
 * so that even an error page on this path cannot run anything.
 */
function refuse(res: Response, status: number, body: Record<string, string>): void {
  res
    .status(status)
    .set({
      'cache-control': 'no-store',
      'content-security-policy': USER_CONTENT_CSP,
      'x-content-type-options': 'nosniff',
    })
    .json(body);
}

/**
 * Platforms show Matrix users' avatars by URL, but Matrix media needs authentication.
 * The bridge serves exactly the media it issued signed URLs for, so it is not an open proxy,
 * and only when the bytes are a raster image (sniffImage): whatever the uploader declared,
 * an SVG, HTML page or polyglot never reaches a browser from the bridge's origin.
 */
export class MediaProxy {
  constructor(
    private readonly publicUrl: string,
    private readonly secret: string,
    private readonly gateway: MatrixGateway,
    private readonly log: Logger,
    private readonly refusals = new RefusalLog(log),
  ) {}

  urlFor(mxc: string | undefined): string | undefined {
    if (!mxc) return undefined;
    let parsed;
    try {
      parsed = parseMxc(mxc);
    } catch {
      return undefined;
    }
    const sig = this.sign(parsed.server, parsed.mediaId);
    return `${this.publicUrl.replace(/\/$/, '')}${ROUTE}/${encodeURIComponent(parsed.server)}/${parsed.mediaId}?sig=${sig}`;
  }

  register(app: Application): void {
    app.get(`${ROUTE}/:server/:mediaId`, (req, res) => void this.serve(req, res));
  }

  private sign(server: string, mediaId: string): string {
    return createHmac('sha256', this.secret)
      .update(`${server}/${mediaId}`)
      .digest('hex')
      .slice(0, 32);
  }

  private signed(server: string, mediaId: string, sig: string): boolean {
    const expected = Buffer.from(this.sign(server, mediaId));
    return sig.length === expected.length && timingSafeEqual(Buffer.from(sig), expected);
  }

  private async serve(req: Request, res: Response): Promise<void> {
    const server = String(req.params.server);
    const mediaId = String(req.params.mediaId);
    const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
    if (!this.signed(server, mediaId, sig)) {
      this.refusals.note('media', 'bad_signature', req.socket.remoteAddress);
      refuse(res, 403, { errcode: 'M_FORBIDDEN', error: 'bad or missing signature' });
      return;
    }
    let data: Buffer;
    try {
      // The declared content type is not used: the bytes decide what this is.
      ({ data } = await this.gateway.download(`mxc://${server}/${mediaId}`, MAX_AVATAR_BYTES));
    } catch (err) {
      this.log.warn(
        { server, mediaId, err: errorMessage(err) },
        'avatar proxy could not fetch media',
      );
      refuse(res, 502, { errcode: 'M_UNKNOWN', error: 'media not available' });
      return;
    }
    try {
      const image = sniffImage(data);
      res.status(200).set({ ...imageHeaders(image), 'cache-control': 'public, max-age=86400' });
      res.send(data);
    } catch (err) {
      if (!(err instanceof ImageRefusedError)) {
        this.log.error({ server, mediaId, err: errorMessage(err) }, 'avatar proxy failed');
        refuse(res, 500, { errcode: 'M_UNKNOWN', error: 'internal error' });
        return;
      }
      this.log.warn(
        { server, mediaId, code: err.code, detail: err.detail, bytes: data.length },
        'avatar proxy refused media that is not a safe raster image',
      );
      refuse(res, 415, { errcode: 'M_UNKNOWN', error: err.message, code: err.code });
    }
  }
}
