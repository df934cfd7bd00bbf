-- DropIndex
DROP INDEX "Run_status_createdAt_idx";

-- DropIndex
DROP INDEX "Run_status_finalAccuracy_idx";

-- CreateIndex
CREATE INDEX "Run_status_createdAt_id_location_name_idx" ON "Run"("status", "createdAt", "id", "location", "name");

-- CreateIndex
CREATE INDEX "Run_status_finalAccuracy_id_location_name_idx" ON "Run"("status", "finalAccuracy", "id", "location", "name");

-- CreateIndex
CREATE INDEX "Run_status_name_id_location_idx" ON "Run"("status", "name", "id", "location");

-- CreateIndex
CREATE INDEX "Run_status_packedBytes_id_location_name_idx" ON "Run"("status", "packedBytes", "id", "location", "name");

-- CreateIndex
CREATE INDEX "Run_status_durationMs_id_location_name_idx" ON "Run"("status", "durationMs", "id", "location", "name");
