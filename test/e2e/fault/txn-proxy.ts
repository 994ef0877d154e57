/**
 * Sits where the homeserver pushes transactions (the slot's URL) and forwards everything to
 * the bridge, recording which event ids each transaction carried. It can also misbehave as
 * a homeserver might: deliver every transaction twice, restart its transaction id counter
 * (reusing ids the bridge has already acknowledged, now for new events), and replay old
 * transactions under fresh ids.
 */
import { createServer, request, type IncomingMessage, type Server } from 'node:http';

const TXN_PATH = /^\/_matrix\/app\/v1\/transactions\/([^/?]+)/;

export interface ProxyStats {
  transactions: number;
  /** Second deliveries of the same transaction (duplicate mode), with the bridge's answers. */
  duplicateAnswers: number[];
  /** Transactions forwarded under a reused id (counter reset mode). */
  reusedIds: number;
  /** Old transactions sent again under a new id, with the bridge's answers. */
  replayAnswers: number[];
}

interface Forwarded {
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export class TransactionProxy {
  private server: Server | undefined;
  /** Event ids the bridge has been handed in a transaction it answered 200. */
  readonly delivered = new Set<string>();
  private readonly history: Array<{
    path: string;
    headers: IncomingMessage['headers'];
    body: Buffer;
  }> = [];
  private readonly usedIds: string[] = [];
  private reuseNext = 0;
  duplicate = false;
  resetCounter = false;
  readonly stats: ProxyStats = {
    transactions: 0,
    duplicateAnswers: [],
    reusedIds: 0,
    replayAnswers: [],
  };

  constructor(
    private readonly listenPort: number,
    private readonly bridgePort: number,
  ) {}

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(req)
        .then((r) => {
          const headers: Record<string, string | string[] | undefined> = {
            ...r.headers,
            'content-length': String(r.body.length),
          };
          delete headers['transfer-encoding'];
          delete headers.connection;
          delete headers['keep-alive'];
          res.writeHead(r.status, headers);
          res.end(r.body);
        })
        .catch((err: unknown) => {
          res.writeHead(502, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ errcode: 'M_UNKNOWN', error: `proxy: ${String(err)}` }));
        });
    });
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, '127.0.0.1', () => resolve());
    });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Sends an earlier transaction again under a new id (a homeserver replaying after data loss). */
  async replay(index: number): Promise<number> {
    const old = this.history[index];
    if (!old) throw new Error(`no transaction #${index} recorded`);
    const path = old.path.replace(
      TXN_PATH,
      `/_matrix/app/v1/transactions/replay-${index}-${Date.now()}`,
    );
    const r = await this.forward('PUT', path, old.headers, old.body);
    this.stats.replayAnswers.push(r.status);
    return r.status;
  }

  get recorded(): number {
    return this.history.length;
  }

  private async handle(req: IncomingMessage): Promise<Forwarded> {
    const body = await readAll(req);
    const method = req.method ?? 'GET';
    const path = req.url ?? '/';
    const txn = method === 'PUT' ? TXN_PATH.exec(path) : null;
    if (!txn) return this.forward(method, path, req.headers, body);

    let outPath = path;
    const id = txn[1] as string;
    if (this.resetCounter && this.reuseNext < this.usedIds.length) {
      // A homeserver whose counter went back: the next ids are ones already acknowledged.
      outPath = path.replace(
        TXN_PATH,
        `/_matrix/app/v1/transactions/${this.usedIds[this.reuseNext++]}`,
      );
      this.stats.reusedIds++;
    } else {
      this.usedIds.push(id);
    }
    this.stats.transactions++;
    const first = await this.forward(method, outPath, req.headers, body);
    if (first.status === 200) {
      this.history.push({ path: outPath, headers: req.headers, body });
      for (const e of (JSON.parse(body.toString()) as { events?: Array<{ event_id?: string }> })
        .events ?? []) {
        if (e.event_id) this.delivered.add(e.event_id);
      }
      if (this.duplicate) {
        const second = await this.forward(method, outPath, req.headers, body);
        this.stats.duplicateAnswers.push(second.status);
      }
    }
    return first;
  }

  private forward(
    method: string,
    path: string,
    headers: IncomingMessage['headers'],
    body: Buffer,
  ): Promise<Forwarded> {
    return new Promise((resolve, reject) => {
      const out = request(
        {
          host: '127.0.0.1',
          port: this.bridgePort,
          method,
          path,
          headers: {
            ...headers,
            host: `127.0.0.1:${this.bridgePort}`,
            'content-length': body.length,
          },
        },
        (res) => {
          void readAll(res).then(
            (b) => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: b }),
            reject,
          );
        },
      );
      out.on('error', reject);
      out.end(body);
    });
  }
}
