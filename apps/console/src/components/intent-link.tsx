"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import type { ComponentProps } from "react";

/**
 * A next/link that prefetches its page when the pointer or the keyboard reaches it, not when it scrolls into view.
 * With viewport prefetching, the sidebar's links cost two dozen server renders on every full page load; on the
 * 2-core benchmark machine they queued ahead of the page's own data, and the topology's live snapshot reached a
 * 2,000-site graph ~600 ms later (`npm run bench -w @dmvpn/e2e`, "live subscription started").
 */
export function IntentLink({
  href,
  onMouseEnter,
  onFocus,
  onTouchStart,
  ...props
}: Omit<ComponentProps<typeof Link>, "href" | "prefetch"> & { href: string }) {
  const router = useRouter();
  const prefetch = () => router.prefetch(href);
  return (
    <Link
      {...props}
      href={href}
      prefetch={false}
      onMouseEnter={(e) => {
        prefetch();
        onMouseEnter?.(e);
      }}
      onFocus={(e) => {
        prefetch();
        onFocus?.(e);
      }}
      onTouchStart={(e) => {
        prefetch();
        onTouchStart?.(e);
      }}
    />
  );
}
