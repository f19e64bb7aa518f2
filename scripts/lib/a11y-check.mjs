// Accessibility check of the current page for the browser tests: axe-core's serious and critical violations
// (@axe-core/playwright, which injects axe through DevTools, so the page's strict CSP stays on), plus a few
// checks of our own that axe leaves to judgement: one h1, and ARIA references that name no element.
import { AxeBuilder } from "@axe-core/playwright";

/** Problems found on `page`, as one line each; empty when it passes. */
export async function a11yProblems(page) {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const problems = violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join(", ")})`);
  return [...problems, ...(await ownChecks(page))];
}

function ownChecks(page) {
  return page.evaluate(() => {
    const problems = [];
    const visible = (el) => !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
    const describe = (el) => `<${el.tagName.toLowerCase()}${el.id ? ` id="${el.id}"` : ""}${el.name ? ` name="${el.name}"` : ""}>`;
    const named = (el) => (el.getAttribute("aria-label") ?? "").trim() || (el.getAttribute("aria-labelledby") ?? "").trim() || (el.textContent ?? "").trim();
    if (!document.documentElement.lang) problems.push("the page has no lang");
    if (document.querySelectorAll("h1").length !== 1) problems.push(`${document.querySelectorAll("h1").length} h1 headings (want one)`);
    for (const el of document.querySelectorAll("input, select, textarea")) {
      if (el.type === "hidden" || !visible(el)) continue;
      if (!el.labels?.length && !named(el)) problems.push(`form control without a label: ${describe(el)}`);
    }
    for (const el of document.querySelectorAll("button, a[href]")) if (visible(el) && !named(el)) problems.push(`no accessible name: ${describe(el)}`);
    const ids = new Map();
    for (const el of document.querySelectorAll("[id]")) ids.set(el.id, (ids.get(el.id) ?? 0) + 1);
    for (const [id, n] of ids) if (n > 1) problems.push(`duplicate id "${id}" (${n} times)`);
    for (const el of document.querySelectorAll("[aria-describedby], [aria-labelledby]"))
      for (const attr of ["aria-describedby", "aria-labelledby"])
        for (const ref of (el.getAttribute(attr) ?? "").split(/\s+/).filter(Boolean))
          if (!document.getElementById(ref)) problems.push(`${attr}="${ref}" names no element: ${describe(el)}`);
    for (const el of document.querySelectorAll("[role=img]")) if (!named(el)) problems.push(`image without a name: ${describe(el)}`);
    return problems;
  });
}
