import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Application, Request, Response } from 'express';
import type { Logger } from 'pino';
import { RefusalLog } from '../util/refusal-log.js';
import type { MatrixGateway } from './matrix-gateway.js';
import { parseMxc } from './matrix-gateway.js';

const MAX_AVATAR_BYTES = 5 * 1024 * 1024;
const ROUTE = '/_bridge/media';

/**
 * Platforms show Matrix users' avatars by URL, but Matrix media needs authentication.
 * The bridge serves exactly the media it issued signed URLs for, so it is not an open proxy.
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

  private async serve(req: Request, res: Response): Promise<void> {
    const server = String(req.params.server);
    const mediaId = String(req.params.mediaId);
    const sig = typeof req.query.sig === 'string' ? req.query.sig : '';
    const expected = Buffer.from(this.sign(server, mediaId));
    if (sig.length !== expected.length || !timingSafeEqual(Buffer.from(sig), expected)) {
      this.refusals.note('media', 'bad_signature', req.socket.remoteAddress);
      res.status(403).json({ errcode: 'M_FORBIDDEN', error: 'bad or missing signature' });
      return;
    }
    try {
      const media = await this.gateway.download(`mxc://${server}/${mediaId}`, MAX_AVATAR_BYTES);
      res.setHeader('content-type', media.mimetype);
      res.setHeader('cache-control', 'public, max-age=86400');
      res.send(media.data);
    } catch (err) {
      this.log.warn({ server, mediaId, err: String(err) }, 'avatar proxy could not fetch media');
      res.status(502).json({ errcode: 'M_UNKNOWN', error: 'media not available' });
    }
  }
}
