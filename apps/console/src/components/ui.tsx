import type React from "react";

/** Small, dense building blocks shared by every page. */

export function cx(...parts: (string | false | null | undefined)[]) {
  return parts.filter(Boolean).join(" ");
}

export function Button({
  variant = "primary",
  className,
  ...props
}: React.ButtonHTMLAttributes<HTMLButtonElement> & { variant?: "primary" | "secondary" | "danger" | "ghost" }) {
  const styles = {
    primary: "bg-sky-700 text-white hover:bg-sky-600 disabled:bg-sky-900/50",
    secondary:
      "border border-zinc-300 bg-white hover:bg-zinc-100 dark:border-zinc-700 dark:bg-zinc-900 dark:hover:bg-zinc-800",
    danger: "bg-red-700 text-white hover:bg-red-600",
    ghost: "hover:bg-zinc-200 dark:hover:bg-zinc-800",
  }[variant];
  return (
    <button
      type="button"
      className={cx(
        "inline-flex items-center gap-1.5 rounded px-3 py-1.5 text-[13px] font-medium disabled:cursor-not-allowed disabled:opacity-60",
        styles,
        className,
      )}
      {...props}
    />
  );
}

const control =
  "w-full rounded border border-zinc-300 bg-white px-2 py-1.5 text-[13px] outline-none focus:border-sky-600 focus:ring-1 focus:ring-sky-600 dark:border-zinc-700 dark:bg-zinc-900";

export function Input({
  className,
  invalid,
  ...props
}: React.InputHTMLAttributes<HTMLInputElement> & { invalid?: boolean }) {
  return (
    <input
      className={cx(control, invalid && "border-red-500 dark:border-red-500", className)}
      aria-invalid={invalid || undefined}
      {...props}
    />
  );
}

export function Select({
  className,
  invalid,
  ...props
}: React.SelectHTMLAttributes<HTMLSelectElement> & { invalid?: boolean }) {
  return (
    <select
      className={cx(control, invalid && "border-red-500", className)}
      aria-invalid={invalid || undefined}
      {...props}
    />
  );
}

export function Textarea({
  className,
  invalid,
  ...props
}: React.TextareaHTMLAttributes<HTMLTextAreaElement> & { invalid?: boolean }) {
  return (
    <textarea
      className={cx(control, "font-mono", invalid && "border-red-500", className)}
      aria-invalid={invalid || undefined}
      {...props}
    />
  );
}

/** A labelled form control with its server-side error underneath. */
export function Field({
  label,
  htmlFor,
  error,
  hint,
  children,
}: {
  label: string;
  htmlFor: string;
  error?: string;
  hint?: string;
  children: React.ReactNode;
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={htmlFor} className="block text-xs font-medium text-zinc-600 dark:text-zinc-400">
        {label}
      </label>
      {children}
      {error ? (
        <p className="text-xs text-red-600 dark:text-red-400" role="alert" data-field-error={htmlFor}>
          {error}
        </p>
      ) : hint ? (
        <p className="text-xs text-zinc-500">{hint}</p>
      ) : null}
    </div>
  );
}

export function Card({
  title,
  actions,
  children,
  className,
}: {
  title?: React.ReactNode;
  actions?: React.ReactNode;
  children: React.ReactNode;
  className?: string;
}) {
  return (
    <section
      className={cx(
        "min-w-0 rounded-md border border-zinc-200 bg-white dark:border-zinc-800 dark:bg-zinc-900",
        className,
      )}
    >
      {title ? (
        <header className="flex flex-wrap items-center justify-between gap-2 border-b border-zinc-200 px-4 py-2 dark:border-zinc-800">
          <h2 className="text-sm font-semibold">{title}</h2>
          <div className="flex gap-2">{actions}</div>
        </header>
      ) : null}
      <div className="p-4">{children}</div>
    </section>
  );
}

export function PageHeader({
  title,
  subtitle,
  actions,
}: {
  title: React.ReactNode;
  subtitle?: React.ReactNode;
  actions?: React.ReactNode;
}) {
  return (
    <div className="mb-4 flex flex-wrap items-end justify-between gap-x-4 gap-y-2">
      <div className="min-w-0">
        <h1 className="text-lg font-semibold">{title}</h1>
        {subtitle ? <p className="text-zinc-500">{subtitle}</p> : null}
      </div>
      <div className="flex flex-wrap gap-2">{actions}</div>
    </div>
  );
}

export function Badge({
  tone = "neutral",
  children,
}: {
  tone?: "neutral" | "blue" | "green" | "amber" | "red" | "violet";
  children: React.ReactNode;
}) {
  const styles = {
    neutral: "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300",
    blue: "bg-sky-100 text-sky-800 dark:bg-sky-950 dark:text-sky-300",
    green: "bg-emerald-100 text-emerald-800 dark:bg-emerald-950 dark:text-emerald-300",
    amber: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-300",
    red: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-300",
    violet: "bg-violet-100 text-violet-800 dark:bg-violet-950 dark:text-violet-300",
  }[tone];
  return (
    <span className={cx("inline-flex items-center rounded px-1.5 py-0.5 text-[11px] font-medium", styles)}>
      {children}
    </span>
  );
}

export function ErrorBanner({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <div
      role="alert"
      className="rounded border border-red-300 bg-red-50 px-3 py-2 text-red-800 dark:border-red-900 dark:bg-red-950 dark:text-red-300"
    >
      {message}
    </div>
  );
}

/**
 * Below the md breakpoint a table is a block that scrolls sideways inside itself, never the page. `relative` keeps
 * absolutely positioned children (sr-only column labels) inside the scroller: otherwise they widen the document.
 */
export const tableClass =
  "relative w-full border-collapse max-md:block max-md:max-w-full max-md:overflow-x-auto text-left [&_td]:border-t [&_td]:border-zinc-200 [&_td]:px-3 [&_td]:py-1.5 dark:[&_td]:border-zinc-800 [&_th]:px-3 [&_th]:py-2 [&_th]:text-xs [&_th]:font-medium [&_th]:text-zinc-500";

/** A grey placeholder block; screen readers hear the surrounding status instead. */
export function Skeleton({ className }: { className?: string }) {
  return <div aria-hidden="true" className={cx("animate-pulse rounded bg-zinc-200 dark:bg-zinc-800", className)} />;
}

/** Placeholder lines where a table or list will appear. */
export function SkeletonRows({ rows = 5, label = "Loading" }: { rows?: number; label?: string }) {
  return (
    <div role="status" aria-live="polite" className="space-y-2 p-4" data-testid="skeleton">
      <span className="sr-only">{label}…</span>
      {Array.from({ length: rows }, (_, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed placeholders, never reordered
        <Skeleton key={i} className={cx("h-4", i % 3 === 2 ? "w-2/3" : "w-full")} />
      ))}
    </div>
  );
}

/** The shape of a page (title, tiles, two cards) while its data loads. */
export function PageSkeleton({ tiles = 0, label = "Loading" }: { tiles?: number; label?: string }) {
  return (
    <div role="status" aria-live="polite" className="space-y-4" data-testid="skeleton">
      <span className="sr-only">{label}…</span>
      <Skeleton className="h-6 w-48" />
      {tiles ? (
        <div className="grid grid-cols-2 gap-3 md:grid-cols-4 xl:grid-cols-8">
          {Array.from({ length: tiles }, (_, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: fixed placeholders, never reordered
            <Skeleton key={i} className="h-14" />
          ))}
        </div>
      ) : null}
      <div className="grid gap-4 lg:grid-cols-2">
        <Skeleton className="h-56" />
        <Skeleton className="h-56" />
      </div>
    </div>
  );
}

/**
 * A table that scrolls sideways inside itself when it is wider than the screen, so the page never does. The
 * region is focusable and labelled so keyboard users can scroll it too.
 */
export function TableScroll({ label, children }: { label?: string; children: React.ReactNode }) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard
    <section className="relative max-w-full overflow-x-auto" aria-label={label} tabIndex={label ? 0 : undefined}>
      {children}
    </section>
  );
}
