// HTTP over real sockets for the hostile tests: app.inject normalises what a hostile client would not (request
// targets, Host, the socket's port), so these go through Node's HTTP server like any client.
import http from 'node:http';
import { connect } from 'node:net';

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Sends `head` (request line and headers, without the blank line) plus `body` on a fresh connection. */
export function rawRequest(port: number, head: string, body: Buffer | string = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.setTimeout(20_000, () => socket.destroy(new Error('raw request timed out')));
    socket.on('connect', () => {
      socket.write(`${head}\r\nConnection: close\r\n\r\n`);
      if (body.length) socket.write(body);
    });
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('latin1');
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(text);
      if (!m) return reject(new Error(`no HTTP response: ${JSON.stringify(text.slice(0, 200))}`));
      const end = text.indexOf('\r\n\r\n');
      const headers: http.IncomingHttpHeaders = {};
      for (const line of text.slice(0, end).split('\r\n').slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolve({ status: Number(m[1]), headers, body: text.slice(end + 4) });
    });
  });
}

/** One request through node:http (which lets the test set Host and Origin as a browser or attacker would). */
export function httpRequest(
  port: number,
  opts: { method?: string; path: string; headers?: Record<string, string>; body?: Buffer | string },
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        headers: opts.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** Times `GET /api/health` (ms) until `stop()`; returns every latency measured. */
export function probeHealth(port: number, everyMs = 100): { stop(): Promise<number[]> } {
  const latencies: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await httpRequest(port, { path: '/api/health' }).catch(() => undefined);
      latencies.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await loop;
      return latencies;
    },
  };
}

/**
 * Streams a large body (`chunks`, written with backpressure, never held whole) with its Content-Length, and
 * stops sending as soon as the response starts: a server that refuses early is not made to wait for the rest.
 * Returns the response and how many body bytes were written before it.
 */
export function streamedRequest(
  port: number,
  opts: { path: string; headers: Record<string, string>; length: number; chunks: () => Iterable<Buffer> },
): Promise<RawResponse & { sent: number }> {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let answered = false;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: opts.path,
        headers: { ...opts.headers, 'content-length': String(opts.length) },
        agent: false,
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks).toString(),
            sent,
          });
          req.destroy();
        });
        res.on('error', reject);
      },
    );
    // The server may close the connection once it has answered: a write error after the answer is expected.
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    const it = opts.chunks()[Symbol.iterator]();
    const pump = () => {
      while (!answered && !req.destroyed) {
        const next = it.next();
        if (next.done) {
          req.end();
          return;
        }
        sent += next.value.length;
        if (!req.write(next.value)) {
          req.once('drain', pump);
          return;
        }
      }
    };
    pump();
  });
}
