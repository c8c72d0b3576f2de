import { TopologyLoader } from "~/components/topology/topology-loader";

export const metadata = { title: "Topology" };

export default function TopologyPage() {
  return <TopologyLoader />;
}
