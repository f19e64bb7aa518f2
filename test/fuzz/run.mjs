// `npm run fuzz`: the spec fuzzer (spec-fuzz.test.ts) with a random seed unless FUZZ_SEED is given,
// printed first and again on failure so the run can be replayed, and FUZZ_RUNS cases per operation
// (default 1000). `npm test` leaves both unset and keeps the fixed seeds. Lives here, not in
// scripts/, because it only drives this directory's test; extra arguments go to vitest.
import { spawnSync } from "node:child_process";
import { randomInt } from "node:crypto";

const seed = process.env.FUZZ_SEED || String(randomInt(2 ** 31));
const runs = process.env.FUZZ_RUNS || "1000";
const replay = `FUZZ_SEED=${seed} FUZZ_RUNS=${runs} npm run fuzz`;
console.log(`fuzz: FUZZ_SEED=${seed}, FUZZ_RUNS=${runs} per operation (replay: ${replay})`);
const { status } = spawnSync("npx", ["vitest", "run", "test/fuzz", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: { ...process.env, FUZZ_SEED: seed, FUZZ_RUNS: runs },
});
if (status !== 0) console.log(`fuzz failed with FUZZ_SEED=${seed}; replay: ${replay}`);
process.exit(status ?? 1);
