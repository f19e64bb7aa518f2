// Entry point: renders the console into #app (no inline script: the page's CSP allows only this file).
import { render } from "./runtime";
import { App } from "./shell";

const root = document.getElementById("app");
if (root) {
  root.textContent = "";
  render(<App />, root);
}
