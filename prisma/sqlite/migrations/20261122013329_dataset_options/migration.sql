-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Dataset" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'ready',
    "storagePath" TEXT,
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "samples" INTEGER NOT NULL DEFAULT 0,
    "numClasses" INTEGER NOT NULL DEFAULT 0,
    "shapeJson" TEXT NOT NULL DEFAULT '[]',
    "labelsJson" TEXT NOT NULL DEFAULT '[]',
    "optionsJson" TEXT NOT NULL DEFAULT '{}',
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
INSERT INTO "new_Dataset" ("bytes", "createdAt", "id", "kind", "labelsJson", "name", "numClasses", "samples", "shapeJson", "status", "storagePath") SELECT "bytes", "createdAt", "id", "kind", "labelsJson", "name", "numClasses", "samples", "shapeJson", "status", "storagePath" FROM "Dataset";
DROP TABLE "Dataset";
ALTER TABLE "new_Dataset" RENAME TO "Dataset";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;
