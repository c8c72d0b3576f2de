import Link from "next/link";
import { NetworkForm } from "~/components/network-form";
import { PageHeader } from "~/components/ui";

export const metadata = { title: "New network" };

export default function NewNetworkPage() {
  return (
    <>
      <PageHeader
        title="New network"
        subtitle={
          <>
            <Link href="/networks" className="hover:underline">
              Networks
            </Link>{" "}
            / new
          </>
        }
      />
      <NetworkForm />
    </>
  );
}
