import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// One runner for the whole repo. Unit tests (*.test.ts) sit beside the code; integration tests
// (*.int.test.ts) use a real database, real processes or real router software and run in their own project.
// The lab's VM tests (apps/lab/**/*.int.test.ts) boot qemu and run only through `npm run test:lab`;
// its unit tests run here like any other.
const exclude = ["**/node_modules/**", "**/dist/**", "**/.next/**", "e2e/**"];
// Inline projects do not inherit the root's resolve options, so each names the console's alias itself.
const consoleAlias = { "~/": fileURLToPath(new URL("./apps/console/src/", import.meta.url)) };

export default defineConfig({
  // Workspace packages that ship a compiled dist/ expose their source under the "source" condition.
  // "~/" is the console's import alias (apps/console/tsconfig.json), so route handlers can be tested directly.
  resolve: { conditions: ["source"], alias: consoleAlias },
  ssr: { resolve: { conditions: ["source"] } },
  test: {
    projects: [
      {
        resolve: { alias: consoleAlias },
        test: { name: "unit", include: ["{apps,packages}/**/*.test.ts"], exclude: [...exclude, "**/*.int.test.ts"] },
      },
      {
        resolve: { alias: consoleAlias },
        test: {
          name: "integration",
          include: ["{apps,packages}/**/*.int.test.ts"],
          // *.pg.int.test.ts need PostgreSQL (and Redis): several console processes cannot share a SQLite file
          exclude: [...exclude, "apps/lab/**", ...(process.env.TEST_DATABASE_URL ? [] : ["**/*.pg.int.test.ts"])],
          globalSetup: ["./test/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
