import { Suspense } from "react";
import { SiteTable } from "~/components/site-table";

export const metadata = { title: "Sites" };

export default function SitesPage() {
  return (
    <Suspense>
      <SiteTable />
    </Suspense>
  );
}
