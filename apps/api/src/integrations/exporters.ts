// Typed access to @bnn-studio/exporters (notes/contracts.md), looked up when needed so a missing writer is a clear
// 501 rather than a build failure while the packages are written side by side.

import type { DeployGraph } from '@bnn-studio/bnn-core';
import * as exporters from '@bnn-studio/exporters';
import { ApiError } from '../lib/errors.js';

export interface Bundle {
  zip: Uint8Array;
  manifest: unknown;
}

export interface ExportersApi {
  EXPORTERS_VERSION: string;
  writeBnn(deploy: DeployGraph, meta: Record<string, unknown>): Uint8Array;
  readBnn(bytes: Uint8Array): { graph: DeployGraph; meta: Record<string, unknown> };
  writeTflite(deploy: DeployGraph, opts: { profile: 'arm' | 'xcore' }): Uint8Array;
  writeTfliteWithReport(
    deploy: DeployGraph,
    opts: { profile: 'arm' | 'xcore' },
  ): { bytes?: Uint8Array; tflite?: Uint8Array; report?: unknown };
  buildStm32Bundle(deploy: DeployGraph, opts?: Record<string, unknown>): Promise<Bundle> | Bundle;
  buildXcoreBundle(deploy: DeployGraph, opts?: Record<string, unknown>): Promise<Bundle> | Bundle;
  verifyStm32Bundle(
    zip: Uint8Array,
    opts?: Record<string, unknown>,
  ): Promise<{ passed: boolean; log: string; instructions?: number }>;
}

const api = exporters as unknown as Partial<ExportersApi>;

export function exportersVersion(): string {
  return api.EXPORTERS_VERSION ?? '0';
}

export function hasExporter<K extends keyof ExportersApi>(name: K): boolean {
  return typeof api[name] === 'function';
}

export function exporterFn<K extends Exclude<keyof ExportersApi, 'EXPORTERS_VERSION'>>(
  name: K,
): ExportersApi[K] {
  const fn = api[name];
  if (typeof fn !== 'function')
    throw new ApiError(
      501,
      'not_available',
      `@bnn-studio/exporters does not provide ${name}() in this build.`,
      'Rebuild the workspace (npm run build) with an exporters version that has it.',
    );
  return fn as ExportersApi[K];
}

/** The exporter's refusal (ExportRefusedError), recognised by shape so no class identity is needed. */
export function asExportRefusal(
  err: unknown,
): { message: string; nodeId: string; rule: string; fix: string } | null {
  const e = err as { name?: string; nodeId?: string; rule?: string; fix?: string; message?: string } | null;
  if (e && e.name === 'ExportRefusedError' && typeof e.rule === 'string')
    return {
      message: e.message ?? 'Export refused.',
      nodeId: e.nodeId ?? '',
      rule: e.rule,
      fix: e.fix ?? '',
    };
  return null;
}

export function asBnnFormatError(err: unknown): { code: string; message: string; fix: string } | null {
  const e = err as { name?: string; code?: string; fix?: string; message?: string } | null;
  if (e && e.name === 'BnnFormatError')
    return { code: e.code ?? 'bnn_format', message: e.message ?? '', fix: e.fix ?? '' };
  return null;
}
