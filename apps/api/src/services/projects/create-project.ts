import { newId } from '../../lib/ids.js';
import type { ServiceCtx } from '../context.js';

export async function createProject(ctx: ServiceCtx, input: { name: string; description?: string }) {
  return ctx.db.project.create({
    data: { id: newId('prj'), name: input.name, description: input.description ?? '' },
  });
}
