// `npm run openapi:lint:redocly`: Redocly's `recommended` ruleset as a second, independent linter
// beside Spectral. Warnings fail too; deliberate exceptions live, with reasons, in .redocly.lint-ignore.yaml.
import { spawnSync } from "node:child_process";

const run = spawnSync("npx", ["redocly", "lint", "openapi/openapi.json", "--extends", "recommended", "--format", "json"], { encoding: "utf8" });
let report;
try {
  report = JSON.parse(run.stdout);
} catch {
  console.error(run.stdout, run.stderr);
  console.error("redocly lint did not produce a JSON report");
  process.exit(1);
}
for (const p of report.problems) {
  const where = p.location?.map((l) => l.pointer).join(", ") ?? "";
  console.log(`${p.severity} ${p.ruleId}: ${p.message} ${where}`);
}
const { errors, warnings, ignored } = report.totals;
console.log(`redocly ${report.version} (recommended): ${errors} errors, ${warnings} warnings, ${ignored} ignored with reasons`);
process.exit(errors + warnings > 0 || run.status !== 0 ? 1 : 0);
