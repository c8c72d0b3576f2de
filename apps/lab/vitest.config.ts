import { defineConfig } from "vitest/config";

// The lab boots a qemu VM under software emulation; it runs on its own (`npm run test:lab`), never in the
// repo-wide unit/integration projects, so the top-level test script decides whether this machine can host it.
export default defineConfig({
  test: {
    include: ["src/**/*.int.test.ts"],
    testTimeout: 900_000,
    hookTimeout: 900_000,
    fileParallelism: false,
  },
});
