// Wire shapes shared by every response. Dates travel as ISO-8601 strings (JSON has no date type).
import { z } from 'zod';

// Parse without zod's JIT: zod 4 otherwise compiles every object schema with `new Function` on its first parse,
// which took 38 ms for RunResponse (vs 1.7 ms jitless; 0.03 ms per later parse either way, measured with tsx on
// this machine) — a main-thread long task when the page starts a browser run. Applies to every zod schema of the
// process (the page's and the server's), which all parse small documents.
z.config({ jitless: true });

/** A timestamp as the API sends it (`Date.prototype.toJSON`); branded so the server may hand in a Date there. */
export const IsoDate = z.iso.datetime().brand<'IsoDate'>();
export type IsoDate = z.output<typeof IsoDate>;

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
