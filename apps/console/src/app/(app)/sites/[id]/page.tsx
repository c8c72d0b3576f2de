import { SiteDetail } from "~/components/site-detail";

export const metadata = { title: "Site" };

export default async function SitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SiteDetail id={id} />;
}
