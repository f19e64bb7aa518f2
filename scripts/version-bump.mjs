// `npm run version:bump -- <major|minor|patch|x.y.z>`: sets the version in package.json and
// package-lock.json together (npm version, no git tag), then regenerates the spec whose
// info.version follows it, so a fresh clone's `npm install` rewrites nothing.
import { execFileSync } from "node:child_process";

const level = process.argv[2];
if (!level || !/^(major|minor|patch|\d+\.\d+\.\d+)$/.test(level)) {
  console.error("usage: npm run version:bump -- <major|minor|patch|x.y.z>");
  process.exit(2);
}
const run = (cmd, args) => execFileSync(cmd, args, { stdio: "inherit" });
run("npm", ["version", level, "--no-git-tag-version"]);
run("npm", ["run", "openapi"]);
