import { z } from 'zod';
import { IsoDate } from './common.js';

export const Project = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  createdAt: IsoDate,
});
export type Project = z.infer<typeof Project>;

export const ProjectListItem = Project.extend({
  runCount: z.number().int(),
  architectureCount: z.number().int(),
});
export type ProjectListItem = z.infer<typeof ProjectListItem>;

/** GET /api/projects */
export const ProjectListResponse = z.object({ projects: z.array(ProjectListItem) });
/** POST /api/projects */
export const ProjectResponse = z.object({ project: Project });
