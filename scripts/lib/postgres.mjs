// A throw-away PostgreSQL server for the test suite: own data directory, loopback only, free port, trust auth.
import { spawnSync } from 'node:child_process';
import { chownSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPostgresBin } from './system-deps.mjs';

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

function pgUser() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot) return null;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0)
    throw new Error('Running as root but there is no "postgres" user (initdb refuses root).');
  return {
    uid: Number(id.stdout.trim()),
    gid: Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim()),
  };
}

/** Starts a server; returns { url, stop }. Throws with the server's log on failure. */
export async function startThrowawayPostgres() {
  const bin = findPostgresBin();
  if (!bin) throw new Error('PostgreSQL is not installed (Debian package "postgresql").');
  const dir = mkdtempSync(join(tmpdir(), 'bnn-pg-'));
  const dataDir = join(dir, 'data');
  const user = pgUser();
  if (user) chownSync(dir, user.uid, user.gid);
  const asPg = (cmd, args) =>
    user
      ? spawnSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { encoding: 'utf8' })
      : spawnSync(cmd, args, { encoding: 'utf8' });

  const init = asPg(`${bin}/initdb`, [
    '-D',
    dataDir,
    '-A',
    'trust',
    '-U',
    'postgres',
    '--no-sync',
    '-E',
    'UTF8',
  ]);
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stdout}\n${init.stderr}`);
  const port = await freePort();
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const start = asPg(`${bin}/pg_ctl`, [
    '-D',
    dataDir,
    '-o',
    opts,
    '-l',
    join(dir, 'server.log'),
    '-w',
    'start',
  ]);
  if (start.status !== 0) {
    const log = spawnSync('cat', [join(dir, 'server.log')], { encoding: 'utf8' }).stdout;
    throw new Error(`pg_ctl start failed:\n${start.stdout}\n${start.stderr}\n${log}`);
  }
  const url = `postgresql://postgres@127.0.0.1:${port}/postgres`;
  const stop = () => {
    asPg(`${bin}/pg_ctl`, ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  return { url, port, stop };
}
