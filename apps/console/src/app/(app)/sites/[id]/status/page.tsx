import { SiteStatusPage } from "~/components/status-site";

export const metadata = { title: "Site status" };

export default async function StatusPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SiteStatusPage siteId={id} />;
}
