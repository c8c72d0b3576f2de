import { DeploymentNew } from "~/components/deployment-new";

export const metadata = { title: "New deployment" };

export default async function NewDeploymentPage({
  searchParams,
}: {
  searchParams: Promise<{ siteId?: string; networkId?: string }>;
}) {
  const { siteId, networkId } = await searchParams;
  return <DeploymentNew siteId={siteId} networkId={networkId} />;
}
