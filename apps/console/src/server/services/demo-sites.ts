import type { Platform } from "@dmvpn/inventory";

/**
 * The demo network's sites: two hubs in Europe and spokes around the world, with documentation/benchmark public
 * addresses (RFC 5737 / RFC 2544) so nothing here can ever be a real router.
 */
export const DEMO_NETWORK_NAME = "demo-simulated";
export const DEMO_DESCRIPTION =
  "Demo network driven by simulated agents inside the console. No real router is contacted.";
export const DEMO_TUNNEL_PREFIX = "10.254.0.0/24";
/** short holdtime so shortcuts visibly expire within a minute */
export const DEMO_HOLDTIME_SECONDS = 30;

export interface DemoSite {
  name: string;
  role: "hub" | "spoke";
  platform: Platform;
  city: string;
  latitude: number;
  longitude: number;
  publicAddress: string | null;
  tunnelAddress: string;
  lanPrefixes: string[];
}

const HUBS: [string, number, number][] = [
  ["frankfurt", 50.11, 8.68],
  ["amsterdam", 52.37, 4.9],
];

const SPOKES: [string, number, number][] = [
  ["london", 51.51, -0.13],
  ["paris", 48.86, 2.35],
  ["madrid", 40.42, -3.7],
  ["milan", 45.46, 9.19],
  ["warsaw", 52.23, 21.01],
  ["stockholm", 59.33, 18.07],
  ["istanbul", 41.01, 28.98],
  ["dubai", 25.2, 55.27],
  ["mumbai", 19.08, 72.88],
  ["singapore", 1.35, 103.82],
  ["tokyo", 35.68, 139.69],
  ["sydney", -33.87, 151.21],
  ["johannesburg", -26.2, 28.05],
  ["lagos", 6.52, 3.38],
  ["new-york", 40.71, -74.01],
  ["chicago", 41.88, -87.63],
  ["toronto", 43.65, -79.38],
  ["mexico-city", 19.43, -99.13],
  ["sao-paulo", -23.55, -46.63],
  ["san-francisco", 37.77, -122.42],
];

export function demoSites(): DemoSite[] {
  const hubs = HUBS.map(
    ([city, latitude, longitude], i): DemoSite => ({
      name: `demo-hub-${city}`,
      role: "hub",
      platform: i === 0 ? "vyos-1.5" : "frr-linux",
      city,
      latitude,
      longitude,
      publicAddress: `203.0.113.${i + 1}`,
      tunnelAddress: `10.254.0.${i + 1}`,
      lanPrefixes: [],
    }),
  );
  const spokes = SPOKES.map(
    ([city, latitude, longitude], i): DemoSite => ({
      name: `demo-${city}`,
      role: "spoke",
      platform: i % 3 === 0 ? "vyos-1.4" : "frr-linux",
      city,
      latitude,
      longitude,
      // a few spokes sit on dynamic addresses, as branch offices on consumer lines do
      publicAddress: i % 5 === 4 ? null : `198.51.100.${i + 10}`,
      tunnelAddress: `10.254.0.${i + 11}`,
      lanPrefixes: [`10.200.${i + 1}.0/24`],
    }),
  );
  return [...hubs, ...spokes];
}

/** NBMA address the simulator gives a site on a dynamic address (RFC 2544 benchmark range). */
export function demoDynamicNbma(index: number): string {
  return `198.18.0.${index + 10}`;
}
