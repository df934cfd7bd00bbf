/**
 * A problem found in a graph, attached to the node or edge that causes it, with what is wrong and how to fix it.
 * Codes are stable strings (listed in `ISSUE_CODES`) so the editor can style or filter them.
 */
export interface GraphIssue {
  code: string;
  severity: 'error' | 'warning';
  nodeId?: string;
  edgeId?: string;
  /** The offending param or document field, e.g. `kernel_size`, `targetPort`, `nodes[3].id`. */
  field?: string;
  message: string;
  fix: string;
}

/** Every issue code with the severity it is reported at and what it means. */
export const ISSUE_CODES = {
  schema: { severity: 'error', meaning: 'The document does not match the graph JSON schema.' },
  version: { severity: 'error', meaning: 'The document version cannot be migrated to the current one.' },
  duplicate_id: { severity: 'error', meaning: 'Two nodes or two edges share an id.' },
  unknown_type: { severity: 'error', meaning: 'A node uses a layer type that is not registered.' },
  unknown_param: { severity: 'error', meaning: 'A node has a param its layer type does not define.' },
  param_type: { severity: 'error', meaning: 'A param has the wrong kind of value.' },
  param_range: { severity: 'error', meaning: 'A param value is outside its allowed range or options.' },
  unknown_quantizer: { severity: 'error', meaning: 'A quantizer id is not registered.' },
  unknown_constraint: { severity: 'error', meaning: 'A constraint id is not registered.' },
  quantizer_config: {
    severity: 'error',
    meaning: 'A quantizer or constraint config key or value is invalid.',
  },
  no_input: { severity: 'error', meaning: 'The graph has no Input node.' },
  multiple_inputs: { severity: 'error', meaning: 'The graph has more than one Input node.' },
  bad_edge: { severity: 'error', meaning: 'An edge names a node that does not exist, or targets an Input.' },
  bad_port: {
    severity: 'error',
    meaning: 'An edge targets a port the layer does not have, or two edges share one.',
  },
  input_count: { severity: 'error', meaning: 'A node has too few or too many incoming edges.' },
  cycle: { severity: 'error', meaning: 'The edges form a cycle.' },
  unconnected: { severity: 'error', meaning: 'A node has no edges at all.' },
  unreachable: { severity: 'error', meaning: 'A node cannot be reached from the Input.' },
  no_output_head: { severity: 'error', meaning: 'No terminal node produces a class-score vector.' },
  rank_mismatch: { severity: 'error', meaning: 'A layer receives a tensor of the wrong rank.' },
  shape_mismatch: { severity: 'error', meaning: 'Inputs of Add/Concatenate have incompatible shapes.' },
  kernel_too_large: { severity: 'error', meaning: "A 'valid' window is larger than its (padded) input." },
  reshape_size: { severity: 'error', meaning: 'Reshape target has a different number of elements.' },
  dilation_strides: {
    severity: 'error',
    meaning: 'Dilation > 1 together with strides > 1 (not supported by Keras).',
  },
  starved_weights: {
    severity: 'warning',
    meaning:
      'A binary kernel has no constraint, so latent weights can grow without bound (Larq warns of this).',
  },
  multiple_outputs: { severity: 'warning', meaning: 'More than one node has no outgoing edge.' },
  zero_padding: {
    severity: 'warning',
    meaning: "A binary conv uses 'same' zero-padding, which forces float output on export.",
  },
  not_deployable: {
    severity: 'warning',
    meaning: 'A quantizer has no bit-exact deployment (only sign-like quantizers lower to XNOR/popcount).',
  },
} as const;

export type IssueCode = keyof typeof ISSUE_CODES;

export function makeIssue(
  code: IssueCode,
  where: { nodeId?: string; edgeId?: string; field?: string },
  message: string,
  fix: string,
): GraphIssue {
  const issue: GraphIssue = { code, severity: ISSUE_CODES[code].severity, message, fix };
  if (where.nodeId !== undefined) issue.nodeId = where.nodeId;
  if (where.edgeId !== undefined) issue.edgeId = where.edgeId;
  if (where.field !== undefined) issue.field = where.field;
  return issue;
}
