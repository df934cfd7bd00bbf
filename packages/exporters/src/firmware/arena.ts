/**
 * Static memory plan for the firmware: every tensor of a DeployGraph gets an offset in one arena.
 *
 * Liveness-based first-fit: ops run in order; a buffer lives from the op that writes it to the last op that
 * reads it (graph outputs to the end). Outputs are placed before the op's inputs are released, so no kernel
 * ever writes over what it reads. A reshape is a view: its output shares its input's buffer. Per-op scratch
 * (the packed patch of a binary conv) lives for that op only.
 */
import type { DeployGraph, DeployTensor } from '@bnn-studio/bnn-core';

export const ARENA_ALIGN = 8;

export interface ArenaPlan {
  /** Byte offset of every tensor (views share their source's offset). */
  offsets: Map<string, number>;
  /** Byte offset of each op's scratch buffer (op index → offset), when it needs one. */
  scratch: Map<number, number>;
  arenaBytes: number;
}

export function tensorBytes(t: DeployTensor): number {
  const c = t.shape[t.shape.length - 1] ?? 1;
  const pixels = t.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (t.kind === 'int8') return pixels * c;
  return t.kind === 'float32' ? 4 * pixels * c : 4 * pixels * Math.ceil(c / 32);
}

const alignUp = (n: number) => Math.ceil(n / ARENA_ALIGN) * ARENA_ALIGN;

interface Block {
  offset: number;
  size: number;
}

/** First-fit placement among the blocks currently live. */
function place(live: Block[], size: number): number {
  const sorted = [...live].sort((a, b) => a.offset - b.offset);
  let cursor = 0;
  for (const b of sorted) {
    if (b.offset - cursor >= size) return cursor;
    cursor = Math.max(cursor, b.offset + b.size);
  }
  return cursor;
}

export function planArena(deploy: DeployGraph, scratchBytes: (opIndex: number) => number): ArenaPlan {
  const byId = new Map(deploy.tensors.map((t) => [t.id, t]));
  // Buffers: views (reshape) resolve to the buffer of their source.
  const bufferOf = new Map<string, string>();
  const root = (id: string): string => bufferOf.get(id) ?? id;
  for (const op of deploy.ops) {
    if (op.op === 'reshape') bufferOf.set(op.outputs[0]!, root(op.inputs[0]!));
  }
  const size = new Map<string, number>();
  for (const t of deploy.tensors) {
    const r = root(t.id);
    size.set(r, Math.max(size.get(r) ?? 0, alignUp(tensorBytes(t))));
  }
  const end = deploy.ops.length;
  const lastUse = new Map<string, number>();
  deploy.ops.forEach((op, i) => {
    for (const id of op.inputs) lastUse.set(root(id), i);
    for (const id of op.outputs) if (!lastUse.has(root(id))) lastUse.set(root(id), i);
  });
  for (const id of deploy.outputs) lastUse.set(root(id), end);
  lastUse.set(root(deploy.input), Math.max(lastUse.get(root(deploy.input)) ?? 0, 0));

  const live = new Map<string, Block>();
  const offsets = new Map<string, number>();
  const scratch = new Map<number, number>();
  let arenaBytes = 0;
  const alloc = (key: string, bytes: number): number => {
    const offset = place([...live.values()], bytes);
    live.set(key, { offset, size: bytes });
    arenaBytes = Math.max(arenaBytes, offset + bytes);
    return offset;
  };
  const inputRoot = root(deploy.input);
  if (!byId.has(deploy.input)) throw new Error(`planArena: input tensor "${deploy.input}" is not declared`);
  offsets.set(inputRoot, alloc(inputRoot, size.get(inputRoot) ?? 0));

  deploy.ops.forEach((op, i) => {
    for (const id of op.outputs) {
      const r = root(id);
      if (!offsets.has(r)) offsets.set(r, alloc(r, size.get(r) ?? 0));
    }
    const s = scratchBytes(i);
    if (s > 0) {
      scratch.set(i, alloc(`#scratch${i}`, alignUp(s)));
      live.delete(`#scratch${i}`);
    }
    for (const [key] of [...live]) {
      if (!key.startsWith('#') && (lastUse.get(key) ?? -1) <= i) live.delete(key);
    }
  });
  for (const t of deploy.tensors) {
    const off = offsets.get(root(t.id));
    if (off !== undefined) offsets.set(t.id, off);
  }
  return { offsets, scratch, arenaBytes: Math.max(arenaBytes, ARENA_ALIGN) };
}
