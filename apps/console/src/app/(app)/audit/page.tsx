import { AuditLog } from "~/components/audit-log";
import { serverApi } from "~/trpc/server";

export const metadata = { title: "Audit log" };

export default async function AuditPage() {
  const { user } = await (await serverApi()).auth.status();
  return <AuditLog role={user?.role ?? "viewer"} />;
}
