-- CreateTable
CREATE TABLE "Search" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "datasetId" TEXT NOT NULL,
    "target" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "budgetJson" TEXT NOT NULL,
    "spaceJson" TEXT NOT NULL,
    "limitsJson" TEXT NOT NULL,
    "seed" INTEGER NOT NULL,
    "rngState" INTEGER NOT NULL,
    "exhausted" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "activeSince" TIMESTAMP(3),
    "usedMs" INTEGER NOT NULL DEFAULT 0,
    "finishedAt" TIMESTAMP(3),
    "leaseOwner" TEXT,
    "leaseUntil" TIMESTAMP(3),

    CONSTRAINT "Search_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SearchCandidate" (
    "id" TEXT NOT NULL,
    "searchId" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "paramsJson" TEXT NOT NULL,
    "costJson" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "reason" TEXT,
    "seq" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SearchCandidate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SearchTrial" (
    "id" TEXT NOT NULL,
    "searchId" TEXT NOT NULL,
    "candidateId" TEXT NOT NULL,
    "rung" INTEGER NOT NULL,
    "epochs" INTEGER NOT NULL,
    "runId" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SearchTrial_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Search_createdAt_idx" ON "Search"("createdAt");

-- CreateIndex
CREATE INDEX "Search_status_idx" ON "Search"("status");

-- CreateIndex
CREATE INDEX "SearchCandidate_searchId_seq_idx" ON "SearchCandidate"("searchId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "SearchCandidate_searchId_key_key" ON "SearchCandidate"("searchId", "key");

-- CreateIndex
CREATE UNIQUE INDEX "SearchTrial_runId_key" ON "SearchTrial"("runId");

-- CreateIndex
CREATE INDEX "SearchTrial_searchId_seq_idx" ON "SearchTrial"("searchId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "SearchTrial_candidateId_rung_key" ON "SearchTrial"("candidateId", "rung");

-- AddForeignKey
ALTER TABLE "SearchCandidate" ADD CONSTRAINT "SearchCandidate_searchId_fkey" FOREIGN KEY ("searchId") REFERENCES "Search"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SearchTrial" ADD CONSTRAINT "SearchTrial_searchId_fkey" FOREIGN KEY ("searchId") REFERENCES "Search"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SearchTrial" ADD CONSTRAINT "SearchTrial_candidateId_fkey" FOREIGN KEY ("candidateId") REFERENCES "SearchCandidate"("id") ON DELETE CASCADE ON UPDATE CASCADE;
