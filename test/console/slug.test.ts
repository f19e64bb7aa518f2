import { describe, expect, it } from "vitest";
import { slugOf } from "../../console/src/slug";
import { projectSlug } from "../../src/schemas/project";

describe("the console's slug preview", () => {
  it("derives the same project id as the server", () => {
    for (const name of ["New Project", "  Café Déjà-vu  ", "ÄÖÜ ß", "__x__", "a".repeat(60), "Mobile App (iOS) 2", "日本語 app", "---"])
      expect(slugOf(name), name).toBe(projectSlug(name));
  });
});
