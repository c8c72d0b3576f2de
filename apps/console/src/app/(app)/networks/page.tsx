import Link from "next/link";
import { Badge, Card, PageHeader, tableClass } from "~/components/ui";
import { serverApi } from "~/trpc/server";

export const metadata = { title: "Networks" };

const linkClass = "font-medium text-sky-700 hover:underline dark:text-sky-400";

export default async function NetworksPage() {
  const api = await serverApi();
  const [networks, status] = await Promise.all([api.networks.list(), api.auth.status()]);
  const canEdit = status.user?.role === "admin" || status.user?.role === "operator";
  return (
    <>
      <PageHeader
        title="Networks"
        subtitle="Each network is one DMVPN cloud: a tunnel prefix, NHRP and IPsec settings, and its routing."
        actions={
          canEdit ? (
            <Link
              href="/networks/new"
              className="inline-flex items-center rounded bg-sky-700 px-3 py-1.5 text-[13px] font-medium text-white hover:bg-sky-600"
            >
              New network
            </Link>
          ) : null
        }
      />
      <Card className="overflow-x-auto [&>div]:p-0">
        {networks.length === 0 ? (
          <p className="p-4 text-zinc-500">
            No networks yet.{" "}
            {canEdit ? (
              <>
                <Link href="/networks/new" className={linkClass}>
                  Create one
                </Link>{" "}
                or{" "}
                <Link href="/import" className={linkClass}>
                  import an inventory file
                </Link>
                .
              </>
            ) : null}
          </p>
        ) : (
          <table className={tableClass}>
            <thead>
              <tr>
                <th>Name</th>
                <th>Tunnel prefix</th>
                <th>Phase</th>
                <th>Routing</th>
                <th className="text-right">Hubs</th>
                <th className="text-right">Sites</th>
                <th>Description</th>
              </tr>
            </thead>
            <tbody>
              {networks.map((n) => (
                <tr key={n.id} className="hover:bg-zinc-50 dark:hover:bg-zinc-800/40">
                  <td>
                    <Link href={`/networks/${n.id}`} className={linkClass}>
                      {n.name}
                    </Link>{" "}
                    {n.isDemo ? <Badge tone="violet">demo</Badge> : null}
                  </td>
                  <td className="font-mono">{n.tunnelPrefix}</td>
                  <td>{n.phase}</td>
                  <td>{n.routing}</td>
                  <td className="text-right tabular-nums">
                    {n.hubCount === 0 ? <Badge tone="amber">0</Badge> : n.hubCount}
                  </td>
                  <td className="text-right tabular-nums">
                    <Link href={`/sites?networkId=${n.id}`} className="hover:underline">
                      {n.siteCount}
                    </Link>
                  </td>
                  <td className="max-w-md truncate text-zinc-500" title={n.description}>
                    {n.description}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Card>
    </>
  );
}
