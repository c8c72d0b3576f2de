-- AlterTable
ALTER TABLE "DeploymentItem" ADD COLUMN     "markedAppliedBy" TEXT;

-- CreateTable
CREATE TABLE "SiteRunningConfig" (
    "siteId" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "revisionId" TEXT NOT NULL,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SiteRunningConfig_pkey" PRIMARY KEY ("siteId")
);

-- AddForeignKey
ALTER TABLE "SiteRunningConfig" ADD CONSTRAINT "SiteRunningConfig_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

