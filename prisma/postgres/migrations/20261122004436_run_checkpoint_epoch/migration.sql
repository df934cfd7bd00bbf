-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "checkpointEpoch" INTEGER;
