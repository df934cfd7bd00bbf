// Wire shapes shared by every response. Dates travel as ISO-8601 strings (JSON has no date type).
import { z } from 'zod';

/** A timestamp as the API sends it (`Date.prototype.toJSON`). */
export const IsoDate = z.iso.datetime();

/** The body of every 4xx/5xx answer: a stable code, what went wrong and how to fix it. */
export const ApiErrorBody = z.object({
  code: z.string(),
  message: z.string(),
  fix: z.string().optional(),
  details: z.unknown().optional(),
});
export type ApiErrorBody = z.infer<typeof ApiErrorBody>;

export const ErrorResponse = z.object({ error: ApiErrorBody });
export type ErrorResponse = z.infer<typeof ErrorResponse>;
