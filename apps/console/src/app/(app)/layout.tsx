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
    <div className="min-h-screen md:flex">
      <AppNav user={status.user} />
      {/* min-w-0 lets wide content (tables, the topology canvas) scroll inside itself instead of the page */}
      <main id="main" tabIndex={-1} className="min-w-0 flex-1 p-3 outline-none sm:p-4 md:p-6">
        {children}
      </main>
    </div>
  );
}
