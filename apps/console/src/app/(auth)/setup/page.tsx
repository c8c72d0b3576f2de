import { redirect } from "next/navigation";
import { CredentialsForm } from "~/components/credentials-form";
import { serverApi } from "~/trpc/server";

export const dynamic = "force-dynamic";
export const metadata = { title: "First run" };

/** Shown once: while the console has no user. Afterwards it redirects to sign-in. */
export default async function SetupPage() {
  const status = await (await serverApi()).auth.status();
  if (status.hasUsers) redirect("/login");
  return <CredentialsForm mode="first-admin" />;
}
