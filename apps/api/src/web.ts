// The production Next.js app (apps/web), served by this process for every path outside /api.
import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';

export interface WebApp {
  dir: string;
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  close(): Promise<void>;
}

interface NextServer {
  prepare(): Promise<void>;
  getRequestHandler(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  close?(): Promise<void>;
}

export async function loadWebApp(webDir: string): Promise<WebApp> {
  const dir = resolve(webDir);
  if (!existsSync(join(dir, 'package.json'))) {
    throw new Error(`web: ${dir} is not the web app (no package.json). Pass --web apps/web.`);
  }
  if (!existsSync(join(dir, '.next', 'BUILD_ID'))) {
    throw new Error(
      `web: ${join(dir, '.next')} has no production build. Run the build first: npm run build (or npm run build -w @bnn-studio/web).`,
    );
  }
  const requireFromWeb = createRequire(join(dir, 'package.json'));
  const mod = requireFromWeb('next') as { default?: unknown };
  const next = (typeof mod === 'function' ? mod : mod.default) as (opts: {
    dev: boolean;
    dir: string;
  }) => NextServer;
  const app = next({ dev: false, dir });
  await app.prepare();
  const handle = app.getRequestHandler();
  return { dir, handle: (req, res) => handle(req, res), close: async () => app.close?.() };
}
