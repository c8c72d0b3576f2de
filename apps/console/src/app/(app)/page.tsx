import { Dashboard } from "~/components/dashboard";
import { serverApi } from "~/trpc/server";

export const metadata = { title: "Dashboard" };

/** Home: the dashboard, or on an empty console the welcome with "Load demo network". */
export default async function Home() {
  const { user } = await (await serverApi()).auth.status();
  return <Dashboard canOperate={user?.role === "admin" || user?.role === "operator"} />;
}
