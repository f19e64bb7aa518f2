// Writes src/crypto/common-passwords.json, the list password.ts refuses, from a ranked password list
// (one per line, most common first; the source and licence below). Run by hand when the list changes:
//   node scripts/common-passwords.mjs 10-million-password-list-top-1000000.txt
// Stored sorted and front-coded — each line is one base-36 digit (characters shared with the line
// before) and the rest — a third of the plain list's gzipped size in the Worker bundle.
import { readFileSync, writeFileSync } from "node:fs";

const COUNT = 10_000;
const [source] = process.argv.slice(2);
if (!source) throw new Error("usage: node scripts/common-passwords.mjs <ranked list, one password per line>");

const picked = new Set();
for (const line of readFileSync(source, "utf8").split(/\r?\n/)) {
  const password = line.toLowerCase();
  if ([...password].length >= 8 && [...password].length <= 128) picked.add(password);
  if (picked.size === COUNT) break;
}
if (picked.size < COUNT) throw new Error(`only ${picked.size} passwords of 8 to 128 characters in ${source}`);

let previous = "";
const lines = [...picked].sort().map((password) => {
  let shared = 0;
  while (shared < 35 && password[shared] !== undefined && password[shared] === previous[shared]) shared++;
  previous = password;
  return shared.toString(36) + password.slice(shared);
});

const document = {
  description: `The ${COUNT.toLocaleString("en")} commonest passwords of 8 to 128 characters, lower-cased. Data, not code: src/crypto/password.ts refuses these at registration and password change.`,
  source: "OWASP SecLists, Passwords/Common-Credentials/10-million-password-list-top-1000000.txt (Daniel Miessler, Jason Haddix)",
  license: "CC BY-SA 3.0",
  derivation: `filtered to length 8-128, lower-cased, first ${COUNT.toLocaleString("en")} distinct kept (scripts/common-passwords.mjs)`,
  encoding: "sorted; front-coded: each line is a base-36 digit (characters shared with the line before) and the rest",
  passwords: lines.join("\n"),
};
writeFileSync(new URL("../src/crypto/common-passwords.json", import.meta.url), `${JSON.stringify(document, null, 2)}\n`);
console.log(`wrote ${COUNT} passwords`);
