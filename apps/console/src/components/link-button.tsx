import Link from "next/link";
import { cx } from "./ui";

/** A navigation that looks like a Button (a real link: middle-click and "copy link" work). */
export function LinkButton({
  href,
  variant = "primary",
  children,
}: {
  href: string;
  variant?: "primary" | "secondary";
  children: React.ReactNode;
}) {
  return (
    <Link
      href={href}
      className={cx(
        "inline-flex items-center gap-1.5 rounded px-3 py-1.5 text-[13px] font-medium",
        variant === "primary"
          ? "bg-sky-700 text-white hover:bg-sky-600"
          : "border border-zinc-300 bg-white hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800",
      )}
    >
      {children}
    </Link>
  );
}

export const textLinkClass = "font-medium text-sky-700 hover:underline dark:text-sky-400";
