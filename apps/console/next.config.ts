import type { NextConfig } from "next";

const config: NextConfig = {
  // Workspace packages ship TypeScript source.
  transpilePackages: ["@dmvpn/inventory", "@dmvpn/render", "@dmvpn/protocol", "@dmvpn/agent"],
  // Native and Wasm-loading modules stay outside the bundle.
  serverExternalPackages: [
    "better-sqlite3",
    "@prisma/adapter-better-sqlite3",
    "@prisma/adapter-pg",
    "@node-rs/argon2",
    "pg",
    "@dmvpn/db",
  ],
  poweredByHeader: false,
  typedRoutes: false,
};

export default config;
