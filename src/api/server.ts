import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Listen on host:port (port 0 = any free port) and resolve once the socket is bound. */
export function startServer(opts: { app: Hono; host?: string; port?: number }): Promise<RunningServer> {
  const host = opts.host ?? '127.0.0.1';
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: opts.app.fetch, hostname: host, port: opts.port ?? 0 }, (info: AddressInfo) => {
      const h = info.family === 'IPv6' ? `[${info.address}]` : info.address;
      let closing: Promise<void> | null = null;
      resolve({
        url: `http://${h}:${info.port}`,
        port: info.port,
        close: () =>
          (closing ??= new Promise<void>((done) => {
            // Open SSE streams would keep close() waiting forever; end them.
            const s = server as unknown as { closeAllConnections?: () => void };
            server.close(() => done());
            s.closeAllConnections?.();
          })),
      });
    });
    server.once('error', reject);
  });
}
