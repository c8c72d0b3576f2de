"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorFor, fieldErrors } from "./field-errors";
import { Button, Card, ErrorBanner, Field, Input, PageHeader } from "./ui";

const EMPTY = { currentPassword: "", newPassword: "", repeat: "" };

/** Every user's own password. The server ends the user's other sessions; this one stays signed in. */
export function ChangePasswordForm() {
  const trpc = useTRPC();
  const [form, setForm] = useState(EMPTY);
  const [mismatch, setMismatch] = useState(false);
  const change = useMutation(trpc.auth.changePassword.mutationOptions({ onSuccess: () => setForm(EMPTY) }));
  const { byField, general } = fieldErrors(change.error);

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const differs = form.newPassword !== form.repeat;
    setMismatch(differs);
    if (differs) return;
    change.mutate({ currentPassword: form.currentPassword, newPassword: form.newPassword });
  }
  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) => {
    change.reset();
    setForm({ ...form, [k]: e.target.value });
  };

  return (
    <>
      <PageHeader title="Change password" subtitle="Your other sessions (other browsers, devices) are signed out." />
      <Card title="Your password" className="max-w-lg">
        <form onSubmit={submit} className="space-y-3" noValidate>
          <ErrorBanner message={general} />
          <Field label="Current password" htmlFor="current-password" error={errorFor(byField, "currentPassword")}>
            <Input
              id="current-password"
              type="password"
              autoComplete="current-password"
              value={form.currentPassword}
              onChange={set("currentPassword")}
              invalid={Boolean(errorFor(byField, "currentPassword"))}
            />
          </Field>
          <Field
            label="New password"
            htmlFor="new-password"
            error={errorFor(byField, "newPassword")}
            hint="At least 12 characters."
          >
            <Input
              id="new-password"
              type="password"
              autoComplete="new-password"
              value={form.newPassword}
              onChange={set("newPassword")}
              invalid={Boolean(errorFor(byField, "newPassword"))}
            />
          </Field>
          <Field
            label="New password again"
            htmlFor="repeat-password"
            error={mismatch ? "does not match the new password" : undefined}
          >
            <Input
              id="repeat-password"
              type="password"
              autoComplete="new-password"
              value={form.repeat}
              onChange={set("repeat")}
              invalid={mismatch}
            />
          </Field>
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={change.isPending}>
              Change password
            </Button>
            {change.isSuccess ? (
              <span role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
                Password changed; your other sessions were signed out.
              </span>
            ) : null}
          </div>
        </form>
      </Card>
    </>
  );
}
