import type { NextConfig } from "next";

const dev = process.env.NODE_ENV === "development";

/**
 * Security headers on every response. Next's hydration uses inline scripts, hence 'unsafe-inline' for scripts
 * (no third-party origins are allowed, so injected markup still cannot load code from elsewhere); dev mode also
 * needs eval. frame-ancestors 'none' keeps the console out of other sites' frames.
 */
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: csp },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "same-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

const config: NextConfig = {
  // Workspace packages ship TypeScript source.
  transpilePackages: ["@dmvpn/inventory", "@dmvpn/render", "@dmvpn/protocol", "@dmvpn/agent", "@dmvpn/sim"],
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
  async headers() {
    return [
      { source: "/:path*", headers: securityHeaders },
      // HSTS only when the request came over TLS (a proxy in front says so); plain-HTTP labs stay reachable.
      {
        source: "/:path*",
        has: [{ type: "header", key: "x-forwarded-proto", value: "https" }],
        headers: [{ key: "Strict-Transport-Security", value: "max-age=31536000; includeSubDomains" }],
      },
    ];
  },
};

export default config;
