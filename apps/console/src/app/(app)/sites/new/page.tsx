import Link from "next/link";
import { SiteForm } from "~/components/site-form";
import { PageHeader } from "~/components/ui";

export const metadata = { title: "New site" };

export default async function NewSitePage({
  searchParams,
}: {
  searchParams: Promise<{ networkId?: string | string[] }>;
}) {
  const { networkId } = await searchParams;
  return (
    <>
      <PageHeader
        title="New site"
        subtitle={
          <>
            <Link href="/sites" className="hover:underline">
              Sites
            </Link>{" "}
            / new
          </>
        }
      />
      <SiteForm networkId={typeof networkId === "string" ? networkId : undefined} />
    </>
  );
}
