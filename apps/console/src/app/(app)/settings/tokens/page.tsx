import { ApiTokensAdmin } from "~/components/api-tokens-admin";

export const metadata = { title: "API tokens" };

export default function ApiTokensPage() {
  return <ApiTokensAdmin />;
}
