import { Prisma } from '../../db/client.js';
import { ApiError, notFound } from '../../lib/errors.js';
import { newId } from '../../lib/ids.js';
import type { ServiceCtx } from '../context.js';
import { versionDto } from './dto.js';
import { prepareGraph } from './prepare-graph.js';

/** Versions are immutable: a changed graph becomes version N+1 (retried if two saves race for N+1). */
export async function addArchitectureVersion(
  ctx: Pick<ServiceCtx, 'db'>,
  architectureId: string,
  graph: unknown,
) {
  const g = prepareGraph(graph);
  for (let attempt = 0; attempt < 5; attempt++) {
    const arch = await ctx.db.architecture.findUnique({
      where: { id: architectureId },
      include: { versions: { orderBy: { version: 'desc' }, take: 1 } },
    });
    if (!arch) throw notFound('Architecture', architectureId);
    try {
      const [version] = await ctx.db.$transaction([
        ctx.db.architectureVersion.create({
          data: {
            id: newId('arv'),
            architectureId,
            version: (arch.versions[0]?.version ?? 0) + 1,
            graphJson: g.graphJson,
            graphSha256: g.graphSha256,
            summaryJson: g.summaryJson,
          },
        }),
        ctx.db.architecture.update({ where: { id: architectureId }, data: { updatedAt: new Date() } }),
      ]);
      return { version: versionDto(version, true) };
    } catch (err) {
      if (err instanceof Prisma.PrismaClientKnownRequestError && err.code === 'P2002') continue;
      throw err;
    }
  }
  throw new ApiError(
    409,
    'version_conflict',
    'Too many concurrent saves of this architecture.',
    'Retry the save.',
  );
}
