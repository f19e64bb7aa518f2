// The frame around every screen: who is signed in, the main navigation, and which screen the hash names.
import { expireAt, signOut } from "./api";
import { href, route } from "./router";
import { useEffect, useSignal } from "./runtime";
import { Account } from "./screens/account";
import { Admins } from "./screens/admins";
import { AuditLog } from "./screens/audit-log";
import { ProjectFrame } from "./screens/project-frame";
import { Projects } from "./screens/projects";
import { SignIn } from "./screens/sign-in";
import { isOwner, session } from "./session";

export function App() {
  const current = useSignal(session);
  const parts = useSignal(route);
  useEffect(() => (current ? expireAt(current.expiresAt) : undefined), [current]);
  if (!current) return <SignIn />;
  const [top = "projects", id, ...rest] = parts;
  return (
    <div class="layout">
      <header class="top">
        <a class="brand" href={href("projects")}>
          edge-auth console
        </a>
        <nav aria-label="Main">
          <a href={href("projects")} aria-current={top === "projects" ? "page" : undefined}>
            Projects
          </a>
          <a href={href("logs")} aria-current={top === "logs" ? "page" : undefined}>
            Audit log
          </a>
          {isOwner(current) ? (
            <a href={href("admins")} aria-current={top === "admins" ? "page" : undefined}>
              Admins
            </a>
          ) : null}
          <a href={href("account")} aria-current={top === "account" ? "page" : undefined}>
            Account
          </a>
        </nav>
        <span class="who">
          {current.admin.email} <span class="badge">{current.admin.role}</span>
        </span>
        <button type="button" onClick={() => signOut()}>
          Sign out
        </button>
      </header>
      <main id="main">{screen(top, id, rest, isOwner(current))}</main>
    </div>
  );
}

function screen(top: string, id: string | undefined, rest: string[], owner: boolean) {
  if (top === "projects" && id) return <ProjectFrame projectId={id} parts={rest} />;
  if (top === "logs") return <AuditLog />;
  if (top === "admins" && owner) return <Admins />;
  if (top === "account") return <Account />;
  return <Projects />;
}
