import { defineConfig } from "vitest/config";

// apps/lab is left out of the repo-wide vitest projects: its integration test boots a qemu VM under software
// emulation and runs only through `npm run test:lab` (the top-level test script decides when). Its few unit
// tests (pure script builders) run here too, and alone with `npm run test:unit -w @dmvpn/lab`.
export default defineConfig({
  test: {
    projects: [
      { test: { name: "lab-unit", include: ["src/**/*.test.ts"], exclude: ["src/**/*.int.test.ts"] } },
      {
        test: {
          name: "lab-vm",
          include: ["src/console-lab.int.test.ts"],
          testTimeout: 60_000,
          // The whole scenario runs in beforeAll: console, VM, enrollment, deploy, IPsec checks, shortcut expiry,
          // rollback, a spoke added, failover.
          hookTimeout: 45 * 60_000,
          fileParallelism: false,
        },
      },
      {
        // The router-only smoke (renders configs itself, no console): NAT spoke, parser captures. `npm run smoke`.
        test: {
          name: "lab-smoke",
          include: ["src/smoke.int.test.ts"],
          testTimeout: 60_000,
          hookTimeout: 25 * 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
