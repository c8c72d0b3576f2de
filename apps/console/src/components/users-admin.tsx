"use client";

import { USER_ROLES } from "@dmvpn/inventory";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "~/trpc/react";
import { ConfirmButton } from "./confirm-button";
import { errorFor, fieldErrors } from "./field-errors";
import { LocalTime } from "./local-time";
import { useSessionUser } from "./session";
import { Badge, Button, Card, ErrorBanner, Field, Input, PageHeader, Select, SkeletonRows, tableClass } from "./ui";

const ROLE_HELP = "admin: everything; operator: change the inventory and deploy; viewer: read only.";

export function UsersAdmin() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { user: me } = useSessionUser();
  const users = useQuery(trpc.users.list.queryOptions());
  const update = useMutation(
    trpc.users.update.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() }),
    }),
  );
  const account = useAccountActions();
  const updateError = update.error ? fieldErrors(update.error) : null;
  const updateMessage = updateError ? (updateError.general ?? Object.values(updateError.byField).join("; ")) : null;

  return (
    <>
      <PageHeader title="Users" subtitle={ROLE_HELP} />
      {account.error ? <ErrorBanner message={account.error} /> : null}
      {account.reset ? (
        <div className="mb-4 space-y-2 rounded border border-amber-400 bg-amber-50 p-3 dark:bg-amber-950/30">
          <p className="text-xs font-medium">
            New password for {account.reset.email}. Copy it now and hand it over safely: it is shown only once, and
            their sessions were signed out.
          </p>
          <code data-testid="reset-password" className="block break-all font-mono text-sm">
            {account.reset.password}
          </code>
          <div className="flex gap-2">
            <Button
              variant="secondary"
              onClick={() => void navigator.clipboard?.writeText(account.reset?.password ?? "")}
            >
              Copy
            </Button>
            <Button variant="ghost" onClick={account.dismiss}>
              Done
            </Button>
          </div>
        </div>
      ) : null}
      {users.error ? (
        <ErrorBanner message={users.error.message} />
      ) : (
        <div className="grid gap-4 2xl:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
          <Card title="Accounts" className="[&>div]:overflow-x-auto [&>div]:p-0">
            {!users.data ? (
              <SkeletonRows />
            ) : (
              <table className={tableClass}>
                <thead>
                  <tr>
                    <th>Email</th>
                    <th>Name</th>
                    <th>Role</th>
                    <th>Status</th>
                    <th>Created</th>
                    <th>
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {users.data.map((u) => {
                    const rowError = update.variables?.id === u.id ? updateMessage : null;
                    const locked = u.lockedUntil !== null && u.lockedUntil > new Date();
                    return (
                      <tr key={u.id} className={u.disabled ? "text-zinc-400 dark:text-zinc-600" : undefined}>
                        <td>
                          {u.email} {u.id === me?.id ? <Badge tone="blue">you</Badge> : null}
                          {rowError ? (
                            <p className="text-xs text-red-600 dark:text-red-400" role="alert">
                              {rowError}
                            </p>
                          ) : null}
                        </td>
                        <td className="whitespace-nowrap">{u.name}</td>
                        <td>
                          <Select
                            aria-label={`Access level for ${u.email}`}
                            value={u.role}
                            onChange={(e) =>
                              update.mutate({ id: u.id, role: e.target.value as (typeof USER_ROLES)[number] })
                            }
                            disabled={update.isPending}
                            className="w-auto min-w-28 py-0.5"
                          >
                            {USER_ROLES.map((r) => (
                              <option key={r} value={r}>
                                {r}
                              </option>
                            ))}
                          </Select>
                        </td>
                        <td className="whitespace-nowrap">
                          {u.disabled ? <Badge tone="red">disabled</Badge> : <Badge tone="green">active</Badge>}{" "}
                          {locked ? <Badge tone="amber">locked</Badge> : null}
                        </td>
                        <td className="whitespace-nowrap text-xs text-zinc-500">
                          <LocalTime value={u.createdAt} />
                        </td>
                        <td className="space-x-1 whitespace-nowrap text-right">
                          {locked ? (
                            <Button
                              variant="secondary"
                              className="py-0.5 text-xs"
                              disabled={account.pending}
                              onClick={() => account.unlock(u.id)}
                            >
                              Unlock
                            </Button>
                          ) : null}
                          {u.id !== me?.id ? (
                            <>
                              <Button
                                variant="secondary"
                                className="py-0.5 text-xs"
                                disabled={account.pending}
                                onClick={() => account.resetPassword(u.id, u.email)}
                              >
                                Reset password
                              </Button>
                              <ConfirmButton
                                label="Delete"
                                confirmLabel="Delete user"
                                question={`Delete ${u.email}? Their sessions and API tokens end now; the audit log keeps their history.`}
                                pending={account.pending}
                                onConfirm={() => account.remove(u.id)}
                              />
                            </>
                          ) : null}
                          <Button
                            variant="secondary"
                            className="py-0.5 text-xs"
                            disabled={update.isPending}
                            onClick={() => update.mutate({ id: u.id, disabled: !u.disabled })}
                          >
                            {u.disabled ? "Enable" : "Disable"}
                          </Button>
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            )}
          </Card>
          <AddUserForm />
        </div>
      )}
    </>
  );
}

/** Reset password (result shown once), unlock and delete, with one error line for the page. */
function useAccountActions() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [reset, setReset] = useState<{ email: string; password: string } | null>(null);
  const refresh = { onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() }) };
  const resetPassword = useMutation(trpc.users.resetPassword.mutationOptions(refresh));
  const unlock = useMutation(trpc.users.unlock.mutationOptions(refresh));
  const remove = useMutation(trpc.users.delete.mutationOptions(refresh));
  const failed = resetPassword.error ?? unlock.error ?? remove.error;
  return {
    reset,
    dismiss: () => setReset(null),
    pending: resetPassword.isPending || unlock.isPending || remove.isPending,
    error: failed ? failed.message : null,
    resetPassword: (id: string, email: string) => {
      setReset(null);
      resetPassword.mutate({ id }, { onSuccess: ({ password }) => setReset({ email, password }) });
    },
    unlock: (id: string) => unlock.mutate({ id }),
    remove: (id: string) => remove.mutate({ id }),
  };
}

const EMPTY = { email: "", name: "", password: "", role: "viewer" };

function AddUserForm() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [form, setForm] = useState(EMPTY);
  const [added, setAdded] = useState<string | null>(null);
  const create = useMutation(trpc.users.create.mutationOptions());
  const { byField, general } = fieldErrors(create.error);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setAdded(null);
    const user = await create.mutateAsync(form as typeof form & { role: (typeof USER_ROLES)[number] });
    setAdded(user.email);
    setForm(EMPTY);
    await queryClient.invalidateQueries({ queryKey: trpc.users.pathKey() });
  }

  const set = (k: keyof typeof form) => (e: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({ ...form, [k]: e.target.value });
  return (
    <Card title="Add a user">
      <form onSubmit={(e) => void submit(e).catch(() => {})} className="space-y-3" noValidate>
        <ErrorBanner message={general} />
        <Field label="Email" htmlFor="email" error={errorFor(byField, "email")}>
          <Input
            id="email"
            type="email"
            value={form.email}
            onChange={set("email")}
            autoComplete="off"
            invalid={Boolean(errorFor(byField, "email"))}
          />
        </Field>
        <Field label="Name" htmlFor="name" error={errorFor(byField, "name")}>
          <Input
            id="name"
            value={form.name}
            onChange={set("name")}
            autoComplete="off"
            invalid={Boolean(errorFor(byField, "name"))}
          />
        </Field>
        <Field
          label="Password"
          htmlFor="password"
          error={errorFor(byField, "password")}
          hint="At least 12 characters; tell the user to keep it safe."
        >
          <Input
            id="password"
            type="password"
            value={form.password}
            onChange={set("password")}
            autoComplete="new-password"
            invalid={Boolean(errorFor(byField, "password"))}
          />
        </Field>
        <Field label="Role" htmlFor="role" error={errorFor(byField, "role")}>
          <Select id="role" value={form.role} onChange={set("role")}>
            {USER_ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </Select>
        </Field>
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={create.isPending}>
            Add user
          </Button>
          {added ? (
            <span role="status" className="text-xs text-emerald-700 dark:text-emerald-400">
              Added {added}.
            </span>
          ) : null}
        </div>
      </form>
    </Card>
  );
}
