import { redirect } from "next/navigation";
import { CredentialsForm } from "~/components/credentials-form";
import { serverApi } from "~/trpc/server";

export const dynamic = "force-dynamic";
export const metadata = { title: "Sign in" };

export default async function LoginPage() {
  const status = await (await serverApi()).auth.status();
  if (!status.hasUsers) redirect("/setup");
  if (status.user) redirect("/");
  return <CredentialsForm mode="sign-in" />;
}
