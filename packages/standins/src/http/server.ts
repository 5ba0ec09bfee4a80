import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP server under every stand-in: it listens on the loopback interface
 * only, reads each request whole (the stand-ins answer after seeing the full
 * body, as the services validate it before acting), and hands a plain
 * description of it to the stand-in.
 */

export interface Exchange {
  /** Upper case. */
  method: string;
  url: URL;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** The whole request body (empty when there is none). */
  body: Buffer;
  req: IncomingMessage;
  res: ServerResponse;
}

export interface StandInServer {
  /** `http://host:port`, no trailing slash. */
  origin: string;
  port: number;
  close: () => Promise<void>;
}

export interface ServerOptions {
  /** Default 127.0.0.1: the stand-ins accept credentials that open nothing else, still loopback only. */
  host?: string;
  /** Default 0: any free port. */
  port?: number;
  /** Answers a request whose handling threw (the stand-in's own bug, in the service's error shape). */
  onError(x: Exchange, error: Error): void;
}

export async function startServer(handle: (x: Exchange) => void | Promise<void>, opts: ServerOptions): Promise<StandInServer> {
  const host = opts.host ?? '127.0.0.1';
  const server = createServer((req, res) => {
    void readBody(req)
      .then((body) => {
        const x = exchange(req, res, body);
        return Promise.resolve()
          .then(() => handle(x))
          .catch((e: unknown) => opts.onError(x, e instanceof Error ? e : new Error(String(e))));
      })
      .catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function exchange(req: IncomingMessage, res: ServerResponse, body: Buffer): Exchange {
  const url = new URL(req.url ?? '/', 'http://stand-in');
  return { method: (req.method ?? 'GET').toUpperCase(), url, path: url.pathname, query: url.searchParams, headers: req.headers, body, req, res };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
