import { runningLabDir, sendLabRequest } from "../console/lab-requests";

// `npm run lab:exec -w @dmvpn/lab -- ROUTER COMMAND…`: runs a command inside a router of the running `npm run lab`,
// e.g. `npm run lab:exec -w @dmvpn/lab -- spoke1 vtysh -N spoke1 -c "show ip nhrp nhs"`.
const [router, ...argv] = process.argv.slice(2);
if (!router || argv.length === 0) {
  console.error("usage: lab:exec ROUTER COMMAND [ARG…]   (hub1 hub2 spoke1 spoke2 spoke3)");
  process.exit(2);
}
const dir = await runningLabDir();
if (!dir) {
  console.error("no lab is running (start one with npm run lab)");
  process.exit(1);
}
const response = await sendLabRequest(dir, { action: "exec", router, argv });
process.stdout.write(response.detail);
process.exit(response.ok ? 0 : 1);
