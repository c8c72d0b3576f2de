import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3210);

// Debian's Chromium: Playwright's own browser download does not work offline.
export default defineConfig({
  testDir: "./tests",
  outputDir: "./test-results",
  fullyParallel: false,
  workers: 1,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["json", { outputFile: "test-results/results.json" }]] : [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    browserName: "chromium",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
  },
  // The specs share one fresh console per run. The newcomer's story (inventory.spec.ts) starts on the first-run page
  // of an empty console, so it runs first by dependency, whatever the other files are called.
  projects: [
    { name: "newcomer", testMatch: "inventory.spec.ts" },
    { name: "flows", testIgnore: "inventory.spec.ts", dependencies: ["newcomer"] },
  ],
  webServer: {
    command: `node server.mjs`,
    url: `http://127.0.0.1:${PORT}/login`,
    env: { E2E_PORT: String(PORT) },
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: "pipe",
  },
});
