-- CreateIndex
CREATE INDEX "SiteEvent_kind_at_idx" ON "SiteEvent"("kind", "at");

