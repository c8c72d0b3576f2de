import { UsersAdmin } from "~/components/users-admin";

export const metadata = { title: "Users" };

export default function UsersPage() {
  return <UsersAdmin />;
}
