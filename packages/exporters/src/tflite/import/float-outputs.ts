/**
 * Firmware bundles return float32 outputs (`bnn_output` is `const float *`; the C code generator has no int8 graph
 * output). An imported int8 model's int8 outputs get an exact DEQUANTIZE (`f(s · (q − zp))`) for those targets.
 */
import type { DeployGraph } from '@bnn-studio/bnn-core';

export function withFloatOutputs(deploy: DeployGraph): DeployGraph {
  const byId = new Map(deploy.tensors.map((t) => [t.id, t]));
  const ids = new Set(deploy.tensors.map((t) => t.id));
  const tensors = [...deploy.tensors];
  const ops = [...deploy.ops];
  const outputs = deploy.outputs.map((id) => {
    const t = byId.get(id);
    if (t?.kind !== 'int8') return id;
    let fid = `${id}:float`;
    for (let i = 1; ids.has(fid); i++) fid = `${id}:float_${i}`;
    ids.add(fid);
    tensors.push({ id: fid, shape: [...t.shape], kind: 'float32' });
    ops.push({ op: 'int8_dequantize', sourceNode: id, inputs: [id], outputs: [fid] });
    return fid;
  });
  return { ...deploy, tensors, ops, outputs };
}
