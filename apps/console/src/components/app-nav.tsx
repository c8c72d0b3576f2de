"use client";

import { useMutation } from "@tanstack/react-query";
import { usePathname, useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import type { SessionUser } from "~/server/services/auth";
import { useTRPC } from "~/trpc/react";
import { IntentLink } from "./intent-link";
import { describeTimeZone } from "./time";
import { cx } from "./ui";

const LINKS = [
  { href: "/", label: "Dashboard" },
  { href: "/topology", label: "Topology" },
  { href: "/networks", label: "Networks" },
  { href: "/sites", label: "Sites" },
  { href: "/deployments", label: "Deployments" },
  { href: "/import", label: "Import / export" },
  { href: "/audit", label: "Audit log" },
  { href: "/settings/tokens", label: "API tokens" },
  { href: "/settings/password", label: "Change password" },
  { href: "/api-docs", label: "API reference" },
];

export function AppNav({ user }: { user: SessionUser }) {
  const pathname = usePathname();
  const router = useRouter();
  const trpc = useTRPC();
  const signOut = useMutation(trpc.auth.signOut.mutationOptions({ onSuccess: () => router.replace("/login") }));
  const links =
    user.role === "admin"
      ? [...LINKS, { href: "/users", label: "Users" }, { href: "/settings/webhooks", label: "Webhooks" }]
      : LINKS;
  const toggleTheme = () => {
    const dark = document.documentElement.classList.toggle("dark");
    localStorage.setItem("theme", dark ? "dark" : "light");
  };
  // Below the md breakpoint the sidebar is a drawer behind a toggle, so pages get the phone's whole width.
  const [open, setOpen] = useState(false);
  const toggleRef = useRef<HTMLButtonElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: a navigation closes the drawer
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      setOpen(false);
      toggleRef.current?.focus();
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [open]);
  // The zone depends on the browser, so it is read after hydration (the server would print its own).
  const [zone, setZone] = useState<string | null>(null);
  useEffect(() => setZone(describeTimeZone()), []);

  return (
    <>
      <header className="sticky top-0 z-30 flex items-center justify-between border-b border-zinc-200 bg-white px-3 py-2 md:hidden dark:border-zinc-800 dark:bg-zinc-900">
        <IntentLink href="/" className="text-sm font-semibold tracking-tight">
          DMVPN Console
        </IntentLink>
        <button
          ref={toggleRef}
          type="button"
          aria-expanded={open}
          aria-controls="app-sidebar"
          onClick={() => setOpen((v) => !v)}
          className="inline-flex items-center gap-1.5 rounded border border-zinc-300 px-2.5 py-1.5 text-[13px] font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          <svg aria-hidden="true" viewBox="0 0 16 16" className="h-4 w-4" fill="none" stroke="currentColor">
            {open ? (
              <path d="M3.5 3.5l9 9M12.5 3.5l-9 9" strokeWidth="1.6" strokeLinecap="round" />
            ) : (
              <path d="M2.5 4h11M2.5 8h11M2.5 12h11" strokeWidth="1.6" strokeLinecap="round" />
            )}
          </svg>
          {open ? "Close menu" : "Menu"}
        </button>
      </header>
      {open ? (
        <button
          type="button"
          tabIndex={-1}
          aria-hidden="true"
          className="fixed inset-0 z-30 bg-zinc-950/40 md:hidden"
          onClick={() => setOpen(false)}
        />
      ) : null}
      <aside
        id="app-sidebar"
        className={cx(
          "w-64 shrink-0 flex-col border-r border-zinc-200 bg-white md:sticky md:top-0 md:flex md:h-screen md:w-52 dark:border-zinc-800 dark:bg-zinc-900",
          open ? "fixed inset-y-0 left-0 z-40 flex overflow-y-auto shadow-xl" : "hidden",
        )}
      >
        <IntentLink href="/" className="hidden px-4 py-3 text-sm font-semibold tracking-tight md:block">
          DMVPN Console
        </IntentLink>
        <nav className="flex-1 space-y-0.5 px-2 pt-2 md:pt-0" aria-label="Main">
          {links.map((l) => {
            const current = l.href === "/" ? pathname === "/" : pathname.startsWith(l.href);
            return (
              <IntentLink
                key={l.href}
                href={l.href}
                aria-current={current ? "page" : undefined}
                className={cx(
                  "block rounded px-2 py-2 md:py-1.5",
                  current
                    ? "bg-sky-50 font-medium text-sky-800 dark:bg-sky-950 dark:text-sky-300"
                    : "hover:bg-zinc-100 dark:hover:bg-zinc-800",
                )}
              >
                {l.label}
              </IntentLink>
            );
          })}
        </nav>
        <div className="space-y-2 border-t border-zinc-200 p-3 text-xs dark:border-zinc-800">
          <div>
            <div className="truncate font-medium" title={user.email}>
              {user.name}
            </div>
            <div className="text-zinc-500">{user.role}</div>
            {zone ? (
              <div className="mt-1 text-zinc-500" data-testid="time-zone">
                Times in {zone}
              </div>
            ) : null}
          </div>
          <div className="flex gap-2">
            <button
              type="button"
              onClick={toggleTheme}
              className="rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              Theme
            </button>
            <button
              type="button"
              onClick={() => signOut.mutate()}
              className="rounded px-2 py-1 hover:bg-zinc-100 dark:hover:bg-zinc-800"
            >
              Sign out
            </button>
          </div>
        </div>
      </aside>
    </>
  );
}
