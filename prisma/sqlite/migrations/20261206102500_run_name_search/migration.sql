-- Run name search (q of the run list: "name" LIKE '%...%') through an FTS5 trigram index instead of a scan of
-- every name (db/hot-reads.ts uses it as a prefilter for terms of 3+ characters and re-checks the LIKE, so results
-- are exactly the plain query's). Hand-written: the Prisma schema language has no full-text index for SQLite.
-- Kept in step with "Run" by triggers; run names never change today, the update trigger keeps it true if they do.
CREATE VIRTUAL TABLE "RunNameSearch" USING fts5("name", "runId" UNINDEXED, tokenize = 'trigram');

INSERT INTO "RunNameSearch" ("name", "runId") SELECT "name", "id" FROM "Run";

CREATE TRIGGER "Run_name_search_insert" AFTER INSERT ON "Run" BEGIN
  INSERT INTO "RunNameSearch" ("name", "runId") VALUES (new."name", new."id");
END;

CREATE TRIGGER "Run_name_search_delete" AFTER DELETE ON "Run" BEGIN
  DELETE FROM "RunNameSearch" WHERE "runId" = old."id";
END;

CREATE TRIGGER "Run_name_search_update" AFTER UPDATE OF "name", "id" ON "Run" BEGIN
  DELETE FROM "RunNameSearch" WHERE "runId" = old."id";
  INSERT INTO "RunNameSearch" ("name", "runId") VALUES (new."name", new."id");
END;
