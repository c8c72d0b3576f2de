import { DeploymentList } from "~/components/deployment-list";

export const metadata = { title: "Deployments" };

export default function DeploymentsPage() {
  return <DeploymentList />;
}
