// Overview
export function Overview(_props: { project: import("./project-frame").ProjectData }) {
  return <p class="muted">Coming soon.</p>;
}
