import { defineConfig } from "vitest/config";

// Tests that spawn CLIs (spectral, optic, tsx) cannot run inside workerd, so they get their own plain-Node run.
export default defineConfig({
  test: {
    environment: "node",
    include: ["test/node/**/*.test.ts"],
    // CLIs such as spectral take ~15 s each on a loaded 2-core machine.
    testTimeout: 120_000,
    reporters: process.env.CI ? ["default", "json"] : ["default"],
    outputFile: { json: ".artifacts/vitest-node.json" },
  },
});
