// Shared intake for the multipart upload routes (datasets, imports).
import type { FastifyRequest } from 'fastify';
import { ApiError } from './errors.js';

/** 415 `not_multipart` (with the route's own message and fix) unless the request is multipart/form-data. */
export function requireMultipart(req: FastifyRequest, message: string, fix: string): void {
  if (!req.isMultipart()) throw new ApiError(415, 'not_multipart', message, fix);
}
