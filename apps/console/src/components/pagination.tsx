import { Button } from "./ui";

/** "1–50 of 5000" with Previous/Next; pages are 1-based. */
export function Pagination({
  page,
  pageSize,
  total,
  onPage,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
}) {
  const first = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const last = Math.min(total, page * pageSize);
  return (
    <div className="flex items-center justify-end gap-3 text-xs text-zinc-600 dark:text-zinc-400">
      <span aria-live="polite">
        {first}–{last} of {total}
      </span>
      <Button variant="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </Button>
      <Button variant="secondary" disabled={last >= total} onClick={() => onPage(page + 1)}>
        Next
      </Button>
    </div>
  );
}
