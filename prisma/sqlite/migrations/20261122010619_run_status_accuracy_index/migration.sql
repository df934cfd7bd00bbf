-- CreateIndex
CREATE INDEX "Run_status_finalAccuracy_idx" ON "Run"("status", "finalAccuracy");
