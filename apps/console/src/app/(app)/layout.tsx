import { redirect } from "next/navigation";
import { AppNav } from "~/components/app-nav";
import { serverApi } from "~/trpc/server";

export const dynamic = "force-dynamic";

/** Every page in here needs a signed-in user; the first visit to an empty console goes to /setup. */
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const status = await (await serverApi()).auth.status();
  if (!status.hasUsers) redirect("/setup");
  if (!status.user) redirect("/login");
  return (
    <div className="flex min-h-screen">
      <AppNav user={status.user} />
      <main className="min-w-0 flex-1 p-6">{children}</main>
    </div>
  );
}
