import { DeploymentNew } from "~/components/deployment-new";
import { targetFromParams } from "~/components/deployment-target";

export const metadata = { title: "New deployment" };

export default async function NewDeploymentPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | undefined>>;
}) {
  return <DeploymentNew target={targetFromParams(await searchParams)} />;
}
