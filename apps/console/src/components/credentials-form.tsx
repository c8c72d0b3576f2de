"use client";

import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { errorFor, fieldErrors } from "./field-errors";
import { Button, Card, ErrorBanner, Field, Input } from "./ui";

/** Sign-in and the first-run "create admin" form share fields and error handling. */
export function CredentialsForm({ mode }: { mode: "sign-in" | "first-admin" }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [form, setForm] = useState({ email: "", name: "", password: "" });
  const signIn = useMutation(trpc.auth.signIn.mutationOptions());
  const firstAdmin = useMutation(trpc.auth.createFirstAdmin.mutationOptions());
  const mutation = mode === "sign-in" ? signIn : firstAdmin;
  const { byField, general } = fieldErrors(mutation.error);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    if (mode === "sign-in") await signIn.mutateAsync({ email: form.email, password: form.password });
    else await firstAdmin.mutateAsync(form);
    router.replace("/");
    router.refresh();
  }

  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement>) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <Card title={mode === "sign-in" ? "Sign in" : "Create the first administrator"}>
      <form onSubmit={(e) => void submit(e).catch(() => {})} className="space-y-3">
        {mode === "first-admin" ? (
          <p className="text-zinc-500">
            This console has no users yet. The account you create here is its first admin; there is no default password.
          </p>
        ) : null}
        <ErrorBanner message={general} />
        {mode === "first-admin" ? (
          <Field label="Name" htmlFor="name" error={errorFor(byField, "name")}>
            <Input id="name" value={form.name} onChange={set("name")} autoComplete="name" required />
          </Field>
        ) : null}
        <Field label="Email" htmlFor="email" error={errorFor(byField, "email")}>
          <Input id="email" type="email" value={form.email} onChange={set("email")} autoComplete="username" required />
        </Field>
        <Field
          label="Password"
          htmlFor="password"
          error={errorFor(byField, "password")}
          hint={mode === "first-admin" ? "At least 12 characters." : undefined}
        >
          <Input
            id="password"
            type="password"
            value={form.password}
            onChange={set("password")}
            autoComplete={mode === "sign-in" ? "current-password" : "new-password"}
            required
          />
        </Field>
        <Button type="submit" className="w-full justify-center" disabled={mutation.isPending}>
          {mode === "sign-in" ? "Sign in" : "Create admin and sign in"}
        </Button>
      </form>
    </Card>
  );
}
