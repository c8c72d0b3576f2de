// Compiles server.ts for Node. npm dependencies stay external so Prisma and Next load from node_modules; workspace
// packages other than @dmvpn/db ship TypeScript source, which Node 20 cannot load, so they are bundled in.
import { build } from "esbuild";

const bundleWorkspaceSources = {
  name: "bundle-workspace-sources",
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("@dmvpn/") && !args.path.startsWith("@dmvpn/db")) return undefined;
      if (args.path.startsWith("~/")) return undefined;
      return { path: args.path, external: true };
    });
  },
};

await build({
  entryPoints: ["server.ts"],
  outfile: "dist/server.js",
  bundle: true,
  plugins: [bundleWorkspaceSources],
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});
