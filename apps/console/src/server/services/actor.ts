import type { UserRole } from "@dmvpn/inventory";

/** Who is acting: recorded in the audit log and checked by role middleware. */
export type Actor =
  | { type: "user"; id: string; name: string; role: UserRole }
  | { type: "system"; id: null; name: string; role: "admin" };

export const systemActor = (name: string): Actor => ({ type: "system", id: null, name, role: "admin" });
