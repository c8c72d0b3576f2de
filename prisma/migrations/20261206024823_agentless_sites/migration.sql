-- AlterTable
ALTER TABLE "DeploymentItem" ADD COLUMN "markedAppliedBy" TEXT;

-- CreateTable
CREATE TABLE "SiteRunningConfig" (
    "siteId" TEXT NOT NULL PRIMARY KEY,
    "content" TEXT NOT NULL,
    "revisionId" TEXT NOT NULL,
    "recordedBy" TEXT NOT NULL,
    "recordedAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "SiteRunningConfig_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);

