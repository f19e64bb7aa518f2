// Hash routes (#/projects/p1/users): one index.html serves every screen, and reloads keep the place.
import { signal } from "./runtime";

export const route = signal(parse());

function parse(): string[] {
  return location.hash
    .replace(/^#\/?/, "")
    .split("/")
    .filter(Boolean)
    .map((part) => decodeURIComponent(part));
}

addEventListener("hashchange", () => {
  route.value = parse();
});

export const href = (...parts: string[]) => `#/${parts.map(encodeURIComponent).join("/")}`;
export const go = (...parts: string[]) => {
  location.hash = href(...parts);
};
