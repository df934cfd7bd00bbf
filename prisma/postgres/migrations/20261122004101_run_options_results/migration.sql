-- AlterTable
ALTER TABLE "Run" ADD COLUMN     "optionsJson" TEXT NOT NULL DEFAULT '{}',
ADD COLUMN     "resultJson" TEXT;
