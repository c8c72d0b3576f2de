import type { UserRole } from "@dmvpn/inventory";

/** Who is acting: recorded in the audit log and checked by role middleware. */
export type Actor =
  | { type: "user"; id: string; name: string; role: UserRole }
  /** a user's API token: id is the user's, name says which token */
  | { type: "token"; id: string; name: string; role: UserRole; tokenId: string }
  | { type: "system"; id: null; name: string; role: "admin" };

export const systemActor = (name: string): Actor => ({ type: "system", id: null, name, role: "admin" });
