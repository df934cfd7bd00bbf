import { DEPLOY_FORMAT, DEPLOY_VERSION, type DeployGraph, type DeployTensor } from './deploy-types.js';
import { type DeployRule, OpChecker, OpCheckFailure, type OpTensor } from './ops/contract.js';
import { DEPLOY_OP_KINDS, DEPLOY_OPS, type DeployOp, isDeployOpKind } from './ops/table.js';

/**
 * A structural problem of a deploy graph.
 * - `code`: `bad_graph` (the graph as a whole: format, tensors, input, outputs), `bad_op` (one op), or
 *   `unsupported` (an op kind this version does not know).
 * - `rule`: a stable id; exporters report `bconv2d.zero_padding_bitpacked`, `weights.finite` and
 *   `io.float_input` as refusals of the model, the rest (`deploy.structure`) as a broken graph.
 * - `message`: what is wrong, without the location (`formatDeployIssue` adds it); `fix`: what to do.
 */
export interface DeployIssue {
  code: 'bad_graph' | 'bad_op' | 'unsupported';
  rule: DeployRule;
  opIndex?: number;
  op?: string;
  sourceNode?: string;
  tensor?: string;
  message: string;
  fix: string;
}

/** `DeployGraph op #3 (bconv2d, node "conv2"): <message>` or `DeployGraph: <message>`. */
export function formatDeployIssue(issue: DeployIssue): string {
  if (issue.opIndex === undefined) return `DeployGraph: ${issue.message}`;
  return `DeployGraph op #${issue.opIndex} (${issue.op}, node "${issue.sourceNode}"): ${issue.message}`;
}

/** Stops at the first graph-level problem (later checks would only repeat it). */
class GraphFailure extends Error {}

function opTensor(t: DeployTensor): OpTensor {
  const channels = t.shape[t.shape.length - 1]!;
  const o: OpTensor = {
    id: t.id,
    shape: [...t.shape],
    kind: t.kind,
    channels,
    elements: t.shape.reduce((a, b) => a * b, 1),
  };
  if (t.quant) o.quant = { scale: t.quant.scale, zeroPoint: t.quant.zeroPoint };
  return o;
}

/**
 * An int8 tensor's quantization: a positive finite float32 scale and an integer zero point in [−128, 127]
 * (TFLite's per-tensor affine quantization); other kinds carry none.
 */
function checkQuant(
  t: DeployTensor,
  graphIssue: (message: string, fix: string, extra?: Partial<DeployIssue>) => never,
): void {
  const q = t.quant as { scale?: unknown; zeroPoint?: unknown } | undefined;
  if (t.kind !== 'int8') {
    if (q !== undefined) {
      graphIssue(`${t.kind} tensor "${t.id}" has int8 quantization.`, 'Only int8 tensors carry quant.', {
        tensor: t.id,
      });
    }
    return;
  }
  if (typeof q !== 'object' || q === null) {
    graphIssue(`int8 tensor "${t.id}" has no quant.`, 'Give every int8 tensor { scale, zeroPoint }.', {
      tensor: t.id,
    });
  }
  const { scale, zeroPoint } = q;
  if (typeof scale !== 'number' || !(scale > 0) || !Number.isFinite(scale) || Math.fround(scale) !== scale) {
    graphIssue(
      `int8 tensor "${t.id}" has scale ${JSON.stringify(scale)}.`,
      'The scale must be a positive finite float32 value (calibrate the activation range again).',
      { tensor: t.id },
    );
  }
  if (!Number.isInteger(zeroPoint) || (zeroPoint as number) < -128 || (zeroPoint as number) > 127) {
    graphIssue(
      `int8 tensor "${t.id}" has zero point ${JSON.stringify(zeroPoint)}.`,
      'The zero point must be an integer in [−128, 127].',
      { tensor: t.id },
    );
  }
}

/**
 * THE validator of deploy graphs (kernels' planner, the `.bnn` / `.tflite` writers and reader and the C code
 * generator all call it): format and version, declared tensors (unique ids, rank 1–3 positive shapes, known
 * kinds, the scale and zero point of int8 tensors), a float32 input, execution order, and every op against its contract in `./ops/` (kinds, attributes,
 * array types and lengths, finite float weights, clear filter tail bits, output shape). Never throws, also on
 * malformed input from untrusted files. Returns the first problem of the graph header or of each op, in order
 * (empty when the graph is well formed).
 */
export function checkDeployGraph(d: DeployGraph): DeployIssue[] {
  const issues: DeployIssue[] = [];
  const graphIssue = (message: string, fix: string, extra: Partial<DeployIssue> = {}): never => {
    issues.push({ code: 'bad_graph', rule: 'deploy.structure', message, fix, ...extra });
    throw new GraphFailure();
  };
  try {
    checkGraph(d, issues, graphIssue);
  } catch (e) {
    if (!(e instanceof GraphFailure)) {
      issues.push({
        code: 'bad_graph',
        rule: 'deploy.structure',
        message: `the graph is malformed (${(e as Error).message}).`,
        fix: 'Pass the DeployGraph from lower() or a file this version wrote.',
      });
    }
  }
  return issues;
}

function checkGraph(
  d: DeployGraph,
  issues: DeployIssue[],
  graphIssue: (message: string, fix: string, extra?: Partial<DeployIssue>) => never,
): void {
  if (typeof d !== 'object' || d === null) graphIssue('not an object.', 'Pass the DeployGraph from lower().');
  if (d.format !== DEPLOY_FORMAT) {
    graphIssue(`format is ${JSON.stringify(d.format)}.`, `Pass a graph with format '${DEPLOY_FORMAT}'.`);
  }
  if (d.version !== DEPLOY_VERSION) {
    graphIssue(
      `version ${JSON.stringify(d.version)} is not supported (this version reads version ${DEPLOY_VERSION}).`,
      'Re-lower the model with a matching bnn-core.',
    );
  }
  if (!Array.isArray(d.tensors) || !Array.isArray(d.ops) || !Array.isArray(d.outputs)) {
    graphIssue('tensors, ops and outputs must be arrays.', 'Pass the DeployGraph from lower().');
  }
  const tensors = new Map<string, OpTensor>();
  for (const t of d.tensors as unknown[]) {
    const tt = t as Partial<DeployTensor> | null;
    if (typeof tt !== 'object' || tt === null || typeof tt.id !== 'string' || tt.id === '') {
      graphIssue('a tensor has no string id.', 'Give every tensor a unique non-empty id.');
    }
    if (
      !Array.isArray(tt.shape) ||
      tt.shape.length < 1 ||
      tt.shape.length > 3 ||
      !tt.shape.every((n) => Number.isInteger(n) && n > 0)
    ) {
      graphIssue(
        `tensor "${tt.id}" has shape ${JSON.stringify(tt.shape)}.`,
        'Shapes are per sample: [H, W, C] or [C] with positive integer dimensions.',
        { tensor: tt.id },
      );
    }
    if (tt.kind !== 'float32' && tt.kind !== 'bitpacked' && tt.kind !== 'int8') {
      graphIssue(
        `tensor "${tt.id}" has kind ${JSON.stringify(tt.kind)}.`,
        "Use 'float32', 'bitpacked' or 'int8'.",
        { tensor: tt.id },
      );
    }
    checkQuant(tt as DeployTensor, graphIssue);
    if (tensors.has(tt.id)) {
      graphIssue(`tensor id "${tt.id}" is declared twice.`, 'Make tensor ids unique.', { tensor: tt.id });
    }
    tensors.set(tt.id, opTensor(tt as DeployTensor));
  }
  const input = tensors.get(d.input);
  if (!input) {
    graphIssue(`input tensor "${d.input}" is not declared.`, 'Declare the input tensor.', {
      tensor: d.input,
    });
  }
  if (input.kind !== 'float32') {
    issues.push({
      code: 'bad_graph',
      rule: 'io.float_input',
      tensor: input.id,
      message: `input "${input.id}" must be float32.`,
      fix: 'The graph input is raw float data: start the graph with an Input layer.',
    });
    return;
  }
  const written = new Set<string>([input.id]);
  (d.ops as unknown[]).forEach((raw, opIndex) => {
    const op = raw as DeployOp;
    const at = { opIndex, op: String(op?.op), sourceNode: String(op?.sourceNode) };
    try {
      checkOneOp(op, tensors, written);
    } catch (e) {
      if (!(e instanceof OpCheckFailure)) throw e;
      issues.push({
        code: e.unsupported ? 'unsupported' : 'bad_op',
        rule: e.rule,
        ...at,
        message: e.message,
        fix: e.fix,
      });
    }
    // Later ops may read this op's output even when it failed: report their own problems, not this one again.
    const outId = Array.isArray(op?.outputs) ? op.outputs[0] : undefined;
    if (typeof outId === 'string' && tensors.has(outId)) written.add(outId);
  });
  if (d.outputs.length === 0) graphIssue('no outputs.', 'List at least one output tensor.');
  for (const id of d.outputs) {
    if (!tensors.has(id)) {
      graphIssue(`output tensor "${id}" is not declared.`, 'List produced tensors as outputs.', {
        tensor: id,
      });
    }
    if (!written.has(id)) {
      graphIssue(`output "${id}" is never produced.`, 'List produced tensors as outputs.', { tensor: id });
    }
  }
}

function checkOneOp(op: DeployOp, tensors: Map<string, OpTensor>, written: Set<string>): void {
  const c: OpChecker = new OpChecker();
  if (typeof op !== 'object' || op === null) c.fail('an op is not an object.', 'Fix the lowering.');
  if (!Array.isArray(op.inputs) || !Array.isArray(op.outputs) || op.outputs.length !== 1) {
    c.fail('an op needs an inputs array and exactly one output.', 'Fix the lowering.');
  }
  const ins = op.inputs.map((id) => {
    const t = tensors.get(id);
    if (!t) c.fail(`input tensor "${id}" is not declared.`, 'Declare every tensor an op reads.');
    if (!written.has(id))
      c.fail(`input "${id}" is read before any op writes it.`, 'List ops in execution order.');
    return t;
  });
  const outId = op.outputs[0]!;
  const out = tensors.get(outId);
  if (!out) c.fail(`output tensor "${outId}" is not declared.`, 'Declare every tensor an op writes.');
  if (written.has(outId))
    c.fail(`output "${outId}" is written twice.`, 'Give each op its own output tensor.');
  if (!isDeployOpKind(op.op)) {
    throw new OpCheckFailure(
      `op kind ${JSON.stringify(op.op)} is unknown (known: ${DEPLOY_OP_KINDS.join(', ')}).`,
      'Update BNN Studio (this version is older than the model) or re-lower the model.',
      'deploy.structure',
      true,
    );
  }
  const contract = DEPLOY_OPS[op.op] as unknown as {
    arity: 'one' | 'many';
    outputShape(op: DeployOp, ins: readonly OpTensor[]): number[] | null;
    check(op: DeployOp, c: OpChecker, ins: readonly OpTensor[], out: OpTensor): void;
  };
  const many = contract.arity === 'many';
  if (many ? ins.length < 1 : ins.length !== 1) {
    c.fail(`has ${ins.length} inputs.`, many ? 'Give it at least one input.' : 'Give it exactly one input.');
  }
  contract.check(op, c, ins, out);
  const shape = contract.outputShape(op, ins);
  if (shape !== null) c.outShape(out, shape);
}
