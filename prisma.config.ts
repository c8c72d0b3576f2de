// Prisma 6.19 with the JavaScript schema engine: migrate deploy/diff run through a driver adapter and Wasm,
// so no engine binary is downloaded (see README, "Database").
import { defineConfig } from "prisma/config";
import { prismaPaths, resolveDatabase } from "./packages/db/src/database-url";

const target = resolveDatabase();
const paths = prismaPaths(target.provider);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: paths.schema,
  migrations: { path: paths.migrations },
  async adapter() {
    if (target.provider === "sqlite") {
      const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
      return new PrismaBetterSQLite3({ url: target.url });
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    return new PrismaPg({ connectionString: target.url }, target.schema ? { schema: target.schema } : undefined);
  },
});
