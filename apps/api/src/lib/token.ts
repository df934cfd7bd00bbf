import { randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_COOKIE = 'bnn_token';

/**
 * The access token: BNN_STUDIO_TOKEN when set, else the one stored in <data>/access-token, created (0600) on
 * first start. `created` tells the caller to print it once.
 */
export function loadOrCreateToken(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
): { token: string; created: boolean } {
  const fromEnv = env.BNN_STUDIO_TOKEN?.trim();
  if (fromEnv) return { token: fromEnv, created: false };
  const file = join(dataDir, 'access-token');
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 16) return { token, created: false };
  }
  mkdirSync(dataDir, { recursive: true });
  const token = randomBytes(24).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return { token, created: true };
}

export function tokensEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}
