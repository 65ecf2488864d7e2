import { useQueryClient } from "@tanstack/react-query";
import { Link, Outlet, useNavigate } from "@tanstack/react-router";
import { useEffect } from "react";
import { signOut } from "../api/sessions";
import { useSession } from "../api/use-session";

const navigation = [
  { to: "/projects", label: "Projects" },
  { to: "/keys", label: "Keys" },
  { to: "/request-logs", label: "Request logs" },
  { to: "/audit-log", label: "Audit log" },
] as const;

/** The signed-in frame: navigation, the workspace, sign-out; pages render in the outlet. */
export function AppShell() {
  const session = useSession();
  const navigate = useNavigate();
  const queryClient = useQueryClient();

  // The session ended elsewhere (a 401 from any call, or sign-out in this tab).
  useEffect(() => {
    if (!session) {
      queryClient.clear();
      void navigate({ to: "/sign-in" });
    }
  }, [session, navigate, queryClient]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">Slipway</span>
        <nav aria-label="Main">
          <ul>
            {navigation.map((item) => (
              <li key={item.to}>
                <Link to={item.to} activeProps={{ "aria-current": "page", className: "active" }}>
                  {item.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="workspace" title="Workspace">
          {session?.workspaceId}
        </span>
        <button type="button" className="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main id="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
