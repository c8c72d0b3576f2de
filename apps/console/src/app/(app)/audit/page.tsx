import { AuditLog } from "~/components/audit-log";

export const metadata = { title: "Audit log" };

export default function AuditPage() {
  return <AuditLog />;
}
