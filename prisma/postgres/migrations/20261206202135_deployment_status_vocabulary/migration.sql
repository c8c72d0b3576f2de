-- One vocabulary for deployment statuses (DEPLOYMENT_STATUSES / DEPLOYMENT_ITEM_STATUSES of @dmvpn/protocol):
-- values that nothing writes any more are converted, so every stored row parses.

-- "unmanaged": agentless items from before awaiting-apply existed. Their revision was stored and never applied by
-- the console: that is awaiting-apply (an operator marks it applied, or a newer revision supersedes it).
UPDATE "DeploymentItem" SET "status" = 'awaiting-apply' WHERE "status" = 'unmanaged';

-- Their deployments then wait for an operator too, as the runner leaves such deployments today.
UPDATE "Deployment" SET "status" = 'awaiting-apply'
WHERE "status" = 'succeeded'
  AND "id" IN (SELECT "deploymentId" FROM "DeploymentItem" WHERE "status" = 'awaiting-apply');

-- "stopped" was documented but never set; a deployment that stops after a failed wave is failed.
UPDATE "Deployment" SET "status" = 'failed' WHERE "status" = 'stopped';
