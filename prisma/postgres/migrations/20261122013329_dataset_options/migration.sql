-- AlterTable
ALTER TABLE "Dataset" ADD COLUMN     "optionsJson" TEXT NOT NULL DEFAULT '{}';
