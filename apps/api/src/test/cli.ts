// Running the `bnn-studio` command line from its TypeScript sources in tests, as a script would (`--json`: the last
// output line is one JSON object).
import { spawn } from 'node:child_process';
import { API_ROOT } from '../lib/paths.js';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved as they arrived. */
  out: string;
}

/** Runs `src/cli/main.ts <args>` on SQLite in `dataDir` (token `cli-test`), `env` over that. */
export function runCli(
  args: string[],
  dataDir: string,
  env: Record<string, string> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'src/cli/main.ts', ...args],
      {
        cwd: API_ROOT,
        env: {
          ...process.env,
          BNN_STUDIO_DATA: dataDir,
          DATABASE_URL: '',
          BNN_STUDIO_TOKEN: 'cli-test',
          ...env,
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      out += d.toString();
    });
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      out += d.toString();
    });
    proc.on('error', reject);
    proc.on('exit', (code) => resolve({ code, stdout, stderr, out }));
  });
}

/** The last line of `text` parsed as a JSON object; `{}` when it is not JSON (the assertions show the output). */
export function lastJsonLine(text: string): Record<string, unknown> {
  try {
    return JSON.parse(text.trim().split('\n').at(-1) ?? '') as Record<string, unknown>;
  } catch {
    return {};
  }
}
