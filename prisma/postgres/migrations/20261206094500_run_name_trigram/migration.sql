-- Run name search (q of the run list: "name" ILIKE '%...%') through a trigram index instead of a scan of every
-- name. Hand-written: the Prisma schema language has no portable trigram index, and the adapter runs a script
-- statement by statement (split at semicolons, so no DO blocks here). pg_trgm ships with Postgres (contrib) and is
-- a trusted extension (PG 13+): the database owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX IF NOT EXISTS "Run_name_trgm_idx" ON "Run" USING gin ("name" gin_trgm_ops);
