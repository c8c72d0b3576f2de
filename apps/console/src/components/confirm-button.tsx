"use client";

import { useState } from "react";
import { Button } from "./ui";

/** A destructive action that asks once more in place (no browser dialog, so it is testable and keyboard-friendly). */
export function ConfirmButton({
  label,
  confirmLabel,
  question,
  onConfirm,
  pending,
}: {
  label: string;
  confirmLabel: string;
  question: string;
  onConfirm: () => void;
  pending?: boolean;
}) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <Button variant="secondary" onClick={() => setAsking(true)}>
        {label}
      </Button>
    );
  return (
    <span className="inline-flex items-center gap-2 rounded border border-red-300 bg-red-50 px-2 py-1 dark:border-red-900 dark:bg-red-950">
      <span className="text-xs text-red-800 dark:text-red-300">{question}</span>
      <Button variant="danger" onClick={onConfirm} disabled={pending}>
        {confirmLabel}
      </Button>
      <Button variant="ghost" onClick={() => setAsking(false)} disabled={pending}>
        Cancel
      </Button>
    </span>
  );
}
