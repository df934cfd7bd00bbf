import type { AppContext, JobQueue } from '../context.js';
import { noJobs } from '../context.js';

export async function createJobQueue(_ctx: AppContext, _opts: { workers: number }): Promise<JobQueue> {
  return noJobs;
}
