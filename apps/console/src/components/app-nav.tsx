"use client";

import { useMutation } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import type { SessionUser } from "~/server/services/auth";
import { useTRPC } from "~/trpc/react";
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
  return (
    <aside className="flex w-52 shrink-0 flex-col border-r border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900">
      <Link href="/" className="px-4 py-3 text-sm font-semibold tracking-tight">
        DMVPN Console
      </Link>
      <nav className="flex-1 space-y-0.5 px-2" aria-label="Main">
        {links.map((l) => (
          <Link
            key={l.href}
            href={l.href}
            className={cx(
              "block rounded px-2 py-1.5",
              (l.href === "/" ? pathname === "/" : pathname.startsWith(l.href))
                ? "bg-sky-50 font-medium text-sky-800 dark:bg-sky-950 dark:text-sky-300"
                : "hover:bg-zinc-100 dark:hover:bg-zinc-800",
            )}
          >
            {l.label}
          </Link>
        ))}
      </nav>
      <div className="space-y-2 border-t border-zinc-200 p-3 text-xs dark:border-zinc-800">
        <div>
          <div className="truncate font-medium" title={user.email}>
            {user.name}
          </div>
          <div className="text-zinc-500">{user.role}</div>
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
  );
}
