import { SiteEditor } from "~/components/site-detail";

export const metadata = { title: "Edit site" };

export default async function EditSitePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <SiteEditor id={id} />;
}
