import { GRAPH_FORMAT, GRAPH_VERSION, type GraphSpec, type ParamValue } from '../spec/graph-types.js';

/**
 * A small helper to write graphs in code (presets, tests): `b.add(type, params, ...inputs)` appends a node fed
 * by the given node ids (in port order) and returns its id. Ids are `<prefix><n>` in insertion order.
 */
export class GraphBuilder {
  private readonly nodes: GraphSpec['nodes'] = [];
  private readonly edges: GraphSpec['edges'] = [];
  private count = 0;

  constructor(
    private readonly name: string,
    private readonly description?: string,
  ) {}

  input(shape: number[], extra: Record<string, ParamValue> = {}): string {
    return this.add('Input', { shape, ...extra });
  }

  add(type: string, params: Record<string, ParamValue> = {}, ...inputs: string[]): string {
    const id = `${type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}_${this.count++}`;
    this.nodes.push({ id, type, params });
    inputs.forEach((src, port) => {
      const edge: GraphSpec['edges'][number] = { id: `e${this.edges.length}`, source: src, target: id };
      if (inputs.length > 1) edge.targetPort = port;
      this.edges.push(edge);
    });
    return id;
  }

  /** Appends a linear chain starting from `from`; returns the last node id. */
  chain(from: string, layers: Array<[string, Record<string, ParamValue>?]>): string {
    let last = from;
    for (const [type, params] of layers) last = this.add(type, params ?? {}, last);
    return last;
  }

  build(meta?: Record<string, ParamValue>): GraphSpec {
    const g: GraphSpec = {
      format: GRAPH_FORMAT,
      version: GRAPH_VERSION,
      name: this.name,
      nodes: this.nodes,
      edges: this.edges,
    };
    if (this.description !== undefined) g.description = this.description;
    if (meta) g.meta = meta;
    return structuredClone(g);
  }
}
