-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "passwordHash" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "disabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "lastSeenAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "userAgent" TEXT,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" TEXT NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorType" TEXT NOT NULL,
    "actorId" TEXT,
    "actorName" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT,
    "entityName" TEXT,
    "networkId" TEXT,
    "before" TEXT,
    "after" TEXT,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Network" (
    "id" TEXT NOT NULL,
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
    "isDemo" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Network_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Site" (
    "id" TEXT NOT NULL,
    "networkId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "wanInterface" TEXT NOT NULL,
    "publicAddress" TEXT,
    "behindNat" BOOLEAN NOT NULL DEFAULT false,
    "lanPrefixes" TEXT NOT NULL DEFAULT '[]',
    "tunnelAddress" TEXT NOT NULL,
    "tunnelAddressNum" BIGINT NOT NULL,
    "asn" BIGINT,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "address" TEXT,
    "notes" TEXT NOT NULL DEFAULT '',
    "searchKey" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Site_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SiteTag" (
    "siteId" TEXT NOT NULL,
    "tag" TEXT NOT NULL,

    CONSTRAINT "SiteTag_pkey" PRIMARY KEY ("siteId","tag")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "AuditEvent_at_idx" ON "AuditEvent"("at");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_idx" ON "AuditEvent"("entityType", "entityId");

-- CreateIndex
CREATE INDEX "AuditEvent_networkId_idx" ON "AuditEvent"("networkId");

-- CreateIndex
CREATE UNIQUE INDEX "Network_name_key" ON "Network"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Site_name_key" ON "Site"("name");

-- CreateIndex
CREATE INDEX "Site_networkId_role_idx" ON "Site"("networkId", "role");

-- CreateIndex
CREATE INDEX "Site_platform_idx" ON "Site"("platform");

-- CreateIndex
CREATE INDEX "Site_tunnelAddressNum_idx" ON "Site"("tunnelAddressNum");

-- CreateIndex
CREATE INDEX "Site_name_idx" ON "Site"("name");

-- CreateIndex
CREATE UNIQUE INDEX "Site_networkId_tunnelAddress_key" ON "Site"("networkId", "tunnelAddress");

-- CreateIndex
CREATE UNIQUE INDEX "Site_networkId_publicAddress_key" ON "Site"("networkId", "publicAddress");

-- CreateIndex
CREATE INDEX "SiteTag_tag_idx" ON "SiteTag"("tag");

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Site" ADD CONSTRAINT "Site_networkId_fkey" FOREIGN KEY ("networkId") REFERENCES "Network"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SiteTag" ADD CONSTRAINT "SiteTag_siteId_fkey" FOREIGN KEY ("siteId") REFERENCES "Site"("id") ON DELETE CASCADE ON UPDATE CASCADE;

