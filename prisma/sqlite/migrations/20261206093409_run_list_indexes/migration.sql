-- DropIndex
DROP INDEX "Run_createdAt_idx";

-- DropIndex
DROP INDEX "Run_finalAccuracy_idx";

-- DropIndex
DROP INDEX "Run_name_idx";

-- CreateIndex
CREATE INDEX "Run_createdAt_id_status_location_name_idx" ON "Run"("createdAt", "id", "status", "location", "name");

-- CreateIndex
CREATE INDEX "Run_finalAccuracy_id_status_location_name_idx" ON "Run"("finalAccuracy", "id", "status", "location", "name");

-- CreateIndex
CREATE INDEX "Run_name_id_status_location_idx" ON "Run"("name", "id", "status", "location");

-- CreateIndex
CREATE INDEX "Run_status_id_location_name_idx" ON "Run"("status", "id", "location", "name");

-- CreateIndex
CREATE INDEX "Run_packedBytes_id_status_location_name_idx" ON "Run"("packedBytes", "id", "status", "location", "name");

-- CreateIndex
CREATE INDEX "Run_durationMs_id_status_location_name_idx" ON "Run"("durationMs", "id", "status", "location", "name");
