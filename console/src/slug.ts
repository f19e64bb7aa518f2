// The id the server derives from a project's name, for the create form's preview: the same rule as
// projectSlug in src/schemas/project.ts (imported there with zod, too heavy for the bundle; a test holds them equal).
export const slugOf = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+/, "")
    .slice(0, 48)
    .replace(/_+$/, "");
