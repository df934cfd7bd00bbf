import { notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { ServiceCtx } from '../context.js';
import { architectureDto, versionDto } from './dto.js';
import { prepareGraph } from './prepare-graph.js';

/** A new architecture with its version 1, in one transaction. */
export async function createArchitecture(
  ctx: ServiceCtx,
  input: { name: string; projectId?: string; graph: unknown },
) {
  const g = prepareGraph(input.graph);
  if (input.projectId && !(await ctx.db.project.findUnique({ where: { id: input.projectId } })))
    throw notFound('Project', input.projectId);
  const archId = newId('arc');
  const [architecture, version] = await ctx.db.$transaction([
    ctx.db.architecture.create({
      data: { id: archId, name: input.name, projectId: input.projectId ?? null },
    }),
    ctx.db.architectureVersion.create({
      data: {
        id: newId('arv'),
        architectureId: archId,
        version: 1,
        graphJson: g.graphJson,
        graphSha256: g.graphSha256,
        summaryJson: g.summaryJson,
      },
    }),
  ]);
  return {
    architecture: { ...architectureDto(architecture), versions: [versionDto(version, false)] },
    version: versionDto(version, true),
  };
}
