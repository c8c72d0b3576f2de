-- CreateTable
CREATE TABLE "SiteRevisionCounter" (
    "siteId" TEXT NOT NULL PRIMARY KEY,
    "lastNumber" INTEGER NOT NULL,
    CONSTRAINT "SiteRevisionCounter_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site" ("id") ON DELETE CASCADE ON UPDATE CASCADE
);


-- Existing sites continue from their newest revision's number.
INSERT INTO "SiteRevisionCounter" ("siteId", "lastNumber")
SELECT "siteId", MAX("number") FROM "ConfigRevision" GROUP BY "siteId";
