-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_Network" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "tunnelPrefix" TEXT NOT NULL,
    "greKey" INTEGER NOT NULL,
    "nhrpNetworkId" INTEGER NOT NULL,
    "nhrpHoldtime" INTEGER NOT NULL DEFAULT 300,
    "nhrpAuth" TEXT,
    "phase" INTEGER NOT NULL DEFAULT 3,
    "ipsecEnabled" BOOLEAN NOT NULL DEFAULT true,
    "ikeProposal" TEXT NOT NULL DEFAULT 'aes256-sha256-modp2048',
    "espProposal" TEXT NOT NULL DEFAULT 'aes256-sha256',
    "ipsecPsk" TEXT NOT NULL,
    "routing" TEXT NOT NULL DEFAULT 'bgp',
    "asnPlan" TEXT NOT NULL DEFAULT 'single',
    "bgpAsn" BIGINT NOT NULL DEFAULT 65000,
    "asnRangeStart" BIGINT NOT NULL DEFAULT 4200000000,
    "asnRangeEnd" BIGINT NOT NULL DEFAULT 4200099999,
    "tunnelMtu" INTEGER NOT NULL DEFAULT 1400,
    "tcpMss" INTEGER NOT NULL DEFAULT 1360,
    "bgpKeepalive" INTEGER NOT NULL DEFAULT 60,
    "bgpHoldtime" INTEGER NOT NULL DEFAULT 180,
    "bfd" BOOLEAN NOT NULL DEFAULT false,
    "bgpSummaryMode" TEXT NOT NULL DEFAULT 'auto',
    "bgpSummaries" TEXT NOT NULL DEFAULT '[]',
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);
INSERT INTO "new_Network" ("asnPlan", "asnRangeEnd", "asnRangeStart", "bfd", "bgpAsn", "bgpHoldtime", "bgpKeepalive", "createdAt", "description", "espProposal", "greKey", "id", "ikeProposal", "ipsecEnabled", "ipsecPsk", "isDemo", "name", "nhrpAuth", "nhrpHoldtime", "nhrpNetworkId", "phase", "routing", "tcpMss", "tunnelMtu", "tunnelPrefix", "updatedAt") SELECT "asnPlan", "asnRangeEnd", "asnRangeStart", "bfd", "bgpAsn", "bgpHoldtime", "bgpKeepalive", "createdAt", "description", "espProposal", "greKey", "id", "ikeProposal", "ipsecEnabled", "ipsecPsk", "isDemo", "name", "nhrpAuth", "nhrpHoldtime", "nhrpNetworkId", "phase", "routing", "tcpMss", "tunnelMtu", "tunnelPrefix", "updatedAt" FROM "Network";
DROP TABLE "Network";
ALTER TABLE "new_Network" RENAME TO "Network";
CREATE UNIQUE INDEX "Network_name_key" ON "Network"("name");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

