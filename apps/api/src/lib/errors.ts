// Coded errors with a fix hint. Services throw these; the error plugin maps them to `{ error: { code, message,
// fix?, details? } }` with their status. Anything else becomes a 500 without internal text.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fix?: string,
    readonly details?: unknown,
    /** The internal error behind a 5xx: logged, never sent. */
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'ApiError';
  }
}

export const notFound = (what: string, id: string) =>
  new ApiError(
    404,
    'not_found',
    `${what} '${id}' does not exist.`,
    `List ${what.toLowerCase()}s to find a valid id.`,
  );

export const badRequest = (code: string, message: string, fix?: string, details?: unknown) =>
  new ApiError(400, code, message, fix, details);

export const conflict = (code: string, message: string, fix?: string) =>
  new ApiError(409, code, message, fix);
