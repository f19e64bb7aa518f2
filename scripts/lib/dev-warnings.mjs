// What `npm start` warns about before starting wrangler dev: settings that are fine locally but
// must be set before deploying. Pure functions over the two files wrangler reads, so they are tested.

/** The [vars] table of wrangler.toml as strings (enough TOML for `NAME = "value"` lines). */
export function wranglerVars(toml) {
  const vars = {};
  let inVars = false;
  for (const line of toml.split(/\r?\n/)) {
    const table = /^\s*\[+\s*([^\]]+?)\s*\]+/.exec(line);
    if (table) {
      inVars = table[1] === "vars";
      continue;
    }
    const match = inVars && /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^#\s]*))/.exec(line);
    if (match) vars[match[1]] = match[2] ?? match[3] ?? match[4] ?? "";
  }
  return vars;
}

/** Warnings for this configuration: .dev.vars overrides wrangler.toml [vars], as in wrangler dev. */
export function startWarnings({ wranglerToml, devVars }) {
  const vars = { ...wranglerVars(wranglerToml), ...devVars };
  const warnings = [];
  if (!vars.PUBLIC_URL?.trim()) {
    warnings.push(
      "PUBLIC_URL is empty: token issuers and OAuth callback URLs follow whatever host a request used. " +
        "Fine on 127.0.0.1; before deploying, set PUBLIC_URL in wrangler.toml [vars] to your public https origin, e.g. https://auth.example.com.",
    );
  }
  return warnings;
}
