import Link from "next/link";

export const metadata = { title: "Page not found" };

/** Any unknown address, and every notFound() without a nearer page of its own. */
export default function NotFound() {
  return (
    <main id="main" tabIndex={-1} className="flex min-h-screen items-center justify-center p-6 outline-none">
      <div className="w-full max-w-md rounded-md border border-zinc-200 bg-white p-6 text-center dark:border-zinc-800 dark:bg-zinc-900">
        <p className="font-mono text-xs font-medium tracking-widest text-sky-700 dark:text-sky-400">404</p>
        <h1 className="mt-1 text-lg font-semibold">Page not found</h1>
        <p className="mt-2 text-zinc-600 dark:text-zinc-400">
          Nothing lives at this address. The link may be old, or the network, site or deployment was deleted.
        </p>
        <div className="mt-5 flex justify-center gap-2">
          <Link href="/" className="rounded bg-sky-700 px-3 py-1.5 text-[13px] font-medium text-white hover:bg-sky-600">
            Back to the dashboard
          </Link>
          <Link
            href="/audit"
            className="rounded border border-zinc-300 px-3 py-1.5 text-[13px] font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
          >
            Audit log
          </Link>
        </div>
      </div>
    </main>
  );
}
