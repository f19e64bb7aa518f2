// A minimal browser for driving an authorization-code flow with plain fetch: manual redirects,
// a cookie jar that honours cookie paths, and form submission for oidc-provider's dev interactions.

interface Cookie {
  name: string;
  value: string;
  path: string;
}

export class Browser {
  private cookies = new Map<string, Cookie>();
  /** Every URL visited, in order (for debugging failed flows). */
  readonly history: string[] = [];

  private cookieHeader(url: URL): string | undefined {
    const matching = [...this.cookies.values()].filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith("/") ? c.path : `${c.path}/`));
    return matching.length ? matching.map((c) => `${c.name}=${c.value}`).join("; ") : undefined;
  }

  private store(url: URL, response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(";").map((part) => part.trim());
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const attr = (key: string) => attributes.find((a) => a.toLowerCase().startsWith(`${key}=`))?.split("=")[1];
      const path = attr("path") ?? url.pathname.replace(/\/[^/]*$/, "/");
      const expires = attr("expires");
      const gone = attr("max-age") === "0" || (expires !== undefined && Date.parse(expires) <= Date.now());
      if (gone) this.cookies.delete(`${name};${path}`);
      else this.cookies.set(`${name};${path}`, { name, value, path });
    }
  }

  /** One request, no redirect following; cookies sent and stored. */
  async fetch(input: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(input);
    this.history.push(`${init.method ?? "GET"} ${url}`);
    const headers = new Headers(init.headers);
    const cookie = this.cookieHeader(url);
    if (cookie) headers.set("Cookie", cookie);
    const response = await fetch(url, { ...init, headers, redirect: "manual" });
    this.store(url, response);
    return response;
  }

  /**
   * Follows redirects from `start`, logging in as `login` and granting consent on the provider's
   * pages (or declining, with `cancel`), until a redirect leaves for `stopAt` (returned, not followed).
   */
  async signInAtProvider(start: string, login: string, stopAt: string, { cancel = false } = {}): Promise<string> {
    let next = start;
    for (let step = 0; step < 20; step++) {
      if (next.startsWith(stopAt)) return next;
      const response = await this.fetch(next);
      if (response.status >= 300 && response.status < 400) {
        next = new URL(response.headers.get("location")!, next).toString();
        continue;
      }
      const html = await response.text();
      if (response.status !== 200) throw new Error(`provider answered ${response.status} at ${next}: ${html.slice(0, 500)}`);
      if (cancel) {
        // The user declines: oidc-provider's dev interactions link to <interaction>/abort.
        next = new URL(`${new URL(next).pathname.replace(/\/$/, "")}/abort`, next).toString();
        continue;
      }
      const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
      if (!action || !prompt) throw new Error(`no interaction form at ${next}: ${html.slice(0, 500)}`);
      const form = new URLSearchParams(prompt === "login" ? { prompt, login, password: "any password" } : { prompt });
      const submitted = await this.fetch(new URL(action, next).toString(), { method: "POST", body: form });
      if (submitted.status < 300 || submitted.status >= 400)
        throw new Error(`submitting ${prompt} answered ${submitted.status}: ${(await submitted.text()).slice(0, 500)}`);
      next = new URL(submitted.headers.get("location")!, next).toString();
    }
    throw new Error(`too many steps; visited:\n${this.history.join("\n")}`);
  }
}
