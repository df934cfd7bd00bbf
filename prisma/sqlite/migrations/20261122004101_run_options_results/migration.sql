-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Run" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "projectId" TEXT,
    "architectureVersionId" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "location" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "configJson" TEXT NOT NULL,
    "optionsJson" TEXT NOT NULL DEFAULT '{}',
    "resultJson" TEXT,
    "seed" INTEGER NOT NULL,
    "epochs" INTEGER NOT NULL,
    "epochsDone" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" DATETIME,
    "finishedAt" DATETIME,
    "durationMs" INTEGER,
    "finalAccuracy" REAL,
    "finalLoss" REAL,
    "packedBytes" INTEGER,
    "error" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "cancelRequested" BOOLEAN NOT NULL DEFAULT false,
    "workerId" TEXT,
    "heartbeatAt" DATETIME,
    "weightsSha256" TEXT,
    "checkpointSha256" TEXT,
    CONSTRAINT "Run_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project" ("id") ON DELETE SET NULL ON UPDATE CASCADE,
    CONSTRAINT "Run_architectureVersionId_fkey" FOREIGN KEY ("architectureVersionId") REFERENCES "ArchitectureVersion" ("id") ON DELETE RESTRICT ON UPDATE CASCADE,
    CONSTRAINT "Run_datasetId_fkey" FOREIGN KEY ("datasetId") REFERENCES "Dataset" ("id") ON DELETE RESTRICT ON UPDATE CASCADE
);
INSERT INTO "new_Run" ("architectureVersionId", "attempts", "cancelRequested", "checkpointSha256", "configJson", "createdAt", "datasetId", "durationMs", "epochs", "epochsDone", "error", "finalAccuracy", "finalLoss", "finishedAt", "heartbeatAt", "id", "location", "name", "packedBytes", "projectId", "seed", "startedAt", "status", "weightsSha256", "workerId") SELECT "architectureVersionId", "attempts", "cancelRequested", "checkpointSha256", "configJson", "createdAt", "datasetId", "durationMs", "epochs", "epochsDone", "error", "finalAccuracy", "finalLoss", "finishedAt", "heartbeatAt", "id", "location", "name", "packedBytes", "projectId", "seed", "startedAt", "status", "weightsSha256", "workerId" FROM "Run";
DROP TABLE "Run";
ALTER TABLE "new_Run" RENAME TO "Run";
CREATE INDEX "Run_status_createdAt_idx" ON "Run"("status", "createdAt");
CREATE INDEX "Run_createdAt_idx" ON "Run"("createdAt");
CREATE INDEX "Run_finalAccuracy_idx" ON "Run"("finalAccuracy");
CREATE INDEX "Run_name_idx" ON "Run"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
