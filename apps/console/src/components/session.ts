"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "~/trpc/react";

/**
 * The signed-in user as the client sees it, to hide buttons a role cannot use.
 * Only a courtesy: every procedure checks the role again on the server.
 */
export function useSessionUser() {
  const trpc = useTRPC();
  const { data } = useQuery(trpc.auth.status.queryOptions(undefined, { staleTime: 60_000 }));
  const role = data?.user?.role;
  return {
    user: data?.user ?? null,
    canEdit: role === "admin" || role === "operator",
    isAdmin: role === "admin",
  };
}
