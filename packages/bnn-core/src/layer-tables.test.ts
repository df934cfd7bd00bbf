/**
 * Type-level fixture: a layer type added to the registry without its behaviour must fail typecheck in every
 * table keyed by `LayerType`. The test compiles those tables with the TypeScript compiler API against an
 * in-memory `src/registry/layers.ts` that gains a `FixtureLayer` entry, and expects a type error naming it in
 * each. Nothing is written to disk.
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const registry = resolve(pkg, 'src/registry/layers.ts');

/** Every place a layer type's behaviour is keyed by `LayerType`. */
const TABLES: Record<string, string> = {
  'shape/cost rule (LAYER_RULES)': 'src/infer/layer-rules.ts',
  'weight specs (WEIGHT_SPECS)': 'src/eval/weight-specs.ts',
  'float forward (FLOAT_FORWARD)': 'src/eval/reference-forward.ts',
  'lowering (LOWERINGS)': 'src/lower/lower.ts',
  'tfjs layer (createLayer)': 'src/tf/build-model.ts',
};

function registryWithFixtureLayer(): string {
  const text = readFileSync(registry, 'utf8');
  const marker = 'const LAYERS = [\n';
  if (!text.includes(marker))
    throw new Error(`layer-tables fixture: ${registry} no longer has "${marker.trim()}"`);
  const entry = `  layer({
    type: 'FixtureLayer',
    aliases: [],
    category: 'activation',
    label: 'Fixture',
    help: 'A layer type with a registry entry and no behaviour.',
    inputs: { min: 1, max: 1 },
    params: [],
  }),
`;
  return text.replace(marker, `${marker}${entry}`);
}

function compile(replacements: Map<string, string>): Map<string, string[]> {
  const config = ts.getParsedCommandLineOfConfigFile(
    resolve(pkg, 'tsconfig.json'),
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
  const roots = Object.values(TABLES).map((f) => resolve(pkg, f));
  const program = ts.createProgram(roots, config.options, host);
  return new Map(
    roots.map((file) => [
      file,
      program
        .getSemanticDiagnostics(program.getSourceFile(file))
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
    ]),
  );
}

describe('layer behaviour tables are compile-checked', () => {
  it('the tables typecheck as they are', () => {
    for (const [file, messages] of compile(new Map())) expect(messages, file).toEqual([]);
  }, 120_000);

  it('a layer type without behaviour fails typecheck in every table', () => {
    const errors = compile(new Map([[registry, registryWithFixtureLayer()]]));
    for (const [name, file] of Object.entries(TABLES)) {
      const messages = errors.get(resolve(pkg, file))!;
      expect(messages.length, `${name} (${file}) accepts a layer type it has no entry for`).toBeGreaterThan(
        0,
      );
      expect(
        messages.some((m) => m.includes('FixtureLayer')),
        `${name}: ${messages.join(' | ')}`,
      ).toBe(true);
    }
  }, 120_000);
});
