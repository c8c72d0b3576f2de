import { WebhooksAdmin } from "~/components/webhooks-admin";

export const metadata = { title: "Webhooks" };

export default function WebhooksPage() {
  return <WebhooksAdmin />;
}
