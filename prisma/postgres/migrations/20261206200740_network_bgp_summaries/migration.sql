-- AlterTable
ALTER TABLE "Network" ADD COLUMN     "bgpSummaries" TEXT NOT NULL DEFAULT '[]',
ADD COLUMN     "bgpSummaryMode" TEXT NOT NULL DEFAULT 'auto';

