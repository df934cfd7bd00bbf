/**
 * Type-level fixture: adding an op kind to bnn-core's op table without kernels must fail typecheck in every
 * backend. The test compiles the backends' op tables with the TypeScript compiler API against an in-memory
 * bnn-core `src/deploy/ops/table.ts` that gains a `fixture_op` (contract included, nothing else), and expects
 * a type error naming `fixture_op` in each backend table. Nothing is written to disk.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const opTable = resolve(repo, 'packages/bnn-core/src/deploy/ops/table.ts');

/** Every per-backend dispatch of deploy ops (`satisfies { [K in DeployOpKind]: … }`). */
const BACKENDS: Record<string, string> = {
  "bnn-core's float oracle (evaluateDeployGraphFloat)": 'packages/bnn-core/src/eval/evaluate-deploy.ts',
  "kernels' reference backend": 'packages/kernels/src/reference/kernels.ts',
  "kernels' WASM backend": 'packages/kernels/src/wasm/kernels.ts',
  'C code generator': 'packages/exporters/src/firmware/ops/table.ts',
  '.tflite writer': 'packages/exporters/src/tflite/write-tflite.ts',
  '.tflite xcore profile rules': 'packages/exporters/src/tflite/profile-rules.ts',
};

/** bnn-core's op table with one more op: its contract and table entry, and no kernel anywhere. */
function tableWithFixtureOp(): string {
  const text = readFileSync(opTable, 'utf8');
  const marker = 'export const DEPLOY_OPS = {\n';
  if (!text.includes(marker))
    throw new Error(`op-tables fixture: ${opTable} no longer has "${marker.trim()}"`);
  const fixture = `
import type { OpBase as FixtureOpBase } from './common.js';
import { defineOp as defineFixtureOp } from './contract.js';
interface FixtureOp extends FixtureOpBase {
  op: 'fixture_op';
}
const fixtureOp = defineFixtureOp<FixtureOp>({
  kind: 'fixture_op',
  arity: 'one',
  summary: 'a new op with a contract and no kernels',
  outputShape: (_op, [x]) => [...x!.shape],
  check() {},
});
`;
  return text.replace(marker, `${fixture}${marker}  fixture_op: fixtureOp,\n`);
}

function compile(replacements: Map<string, string>): Map<string, string[]> {
  const configPath = resolve(repo, 'packages/exporters/tsconfig.json');
  const config = ts.getParsedCommandLineOfConfigFile(
    configPath,
    {},
    {
      ...ts.sys,
      onUnRecoverableConfigFileDiagnostic: (d) => {
        throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      },
    },
  )!;
  const host = ts.createCompilerHost(config.options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (f) => replacements.get(resolve(f)) ?? readFile(f);
  host.getSourceFile = (f, lang, onError, create) => {
    const text = replacements.get(resolve(f));
    return text === undefined ? getSourceFile(f, lang, onError, create) : ts.createSourceFile(f, text, lang);
  };
  const roots = Object.values(BACKENDS).map((f) => resolve(repo, f));
  const program = ts.createProgram(roots, config.options, host);
  const errors = new Map<string, string[]>();
  for (const file of roots) {
    const diagnostics = program.getSemanticDiagnostics(program.getSourceFile(file));
    errors.set(
      file,
      diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    );
  }
  return errors;
}

describe('deploy op tables are compile-checked', () => {
  it('the backends typecheck as they are', () => {
    for (const [file, messages] of compile(new Map())) expect(messages, file).toEqual([]);
  }, 120_000);

  it('an op kind without kernels fails typecheck in every backend', () => {
    const errors = compile(new Map([[opTable, tableWithFixtureOp()]]));
    for (const [name, file] of Object.entries(BACKENDS)) {
      const messages = errors.get(resolve(repo, file))!;
      expect(messages.length, `${name} (${file}) accepts an op it has no kernel for`).toBeGreaterThan(0);
      expect(
        messages.some((m) => m.includes('fixture_op')),
        `${name}: ${messages.join(' | ')}`,
      ).toBe(true);
    }
  }, 120_000);
});
