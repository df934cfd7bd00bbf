// A throw-away Postgres 15 (Debian package) for the benchmark and for local test runs: initdb in a temp dir,
// listening on a free port and a private socket dir. initdb refuses root, so as root it runs as `postgres`.
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = process.env.BNN_PG_BIN ?? '/usr/lib/postgresql/15/bin';

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export async function startThrowawayPostgres(): Promise<{ url: string; stop(): void }> {
  if (!existsSync(join(PG_BIN, 'initdb')))
    throw new Error(
      `Postgres 15 not found in ${PG_BIN}. Install it: apt-get install -y postgresql (or set BNN_PG_BIN).`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'bnn-pg-'));
  const asRoot = process.getuid?.() === 0;
  let uid: number | undefined;
  let gid: number | undefined;
  if (asRoot) {
    uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const run = (bin: string, args: string[]) => {
    const r = spawnSync(join(PG_BIN, bin), args, { uid, gid, stdio: 'pipe', cwd: dir });
    if (r.status !== 0) throw new Error(`${bin} failed: ${r.stderr?.toString() || r.stdout?.toString()}`);
  };
  const data = join(dir, 'data');
  run('initdb', ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const port = await freePort();
  run('pg_ctl', [
    '-D',
    data,
    '-o',
    `-p ${port} -k ${dir} -c fsync=off -c max_connections=200`,
    '-l',
    join(dir, 'log'),
    '-w',
    'start',
  ]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    stop: () => {
      spawnSync(join(PG_BIN, 'pg_ctl'), ['-D', data, '-m', 'immediate', 'stop'], {
        uid,
        gid,
        stdio: 'ignore',
      });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
