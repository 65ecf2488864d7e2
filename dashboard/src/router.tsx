import type { QueryClient } from "@tanstack/react-query";
import {
  createRootRouteWithContext,
  createRoute,
  createRouter,
  lazyRouteComponent,
  redirect,
} from "@tanstack/react-router";
import { currentSession } from "./api/session-store";
import { recoverSession } from "./api/sessions";
import { AppShell } from "./ui/AppShell";
import { PageSkeleton } from "./ui/Skeleton";

interface RouterContext {
  queryClient: QueryClient;
}

let sessionChecked = false;

/** Every page but sign-in needs a session; after a reload it is recovered from the cookie once. */
async function requireSession(location: { href: string }) {
  if (!currentSession() && !sessionChecked) {
    sessionChecked = true;
    await recoverSession().catch(() => null);
  }
  if (!currentSession()) {
    throw redirect({ to: "/sign-in", search: { next: location.href } });
  }
}

const rootRoute = createRootRouteWithContext<RouterContext>()({});

const signInRoute = createRoute({
  getParentRoute: () => rootRoute,
  path: "/sign-in",
  validateSearch: (search: Record<string, unknown>): { next?: string; github?: string } => ({
    ...(typeof search.next === "string" &&
    search.next.startsWith("/") &&
    !search.next.startsWith("//")
      ? { next: search.next }
      : {}),
    // Why a GitHub sign-in was refused (the API's /auth/github/callback sends the browser here).
    ...(typeof search.github === "string" ? { github: search.github } : {}),
  }),
  component: lazyRouteComponent(() => import("./pages/SignInPage"), "SignInPage"),
});

const appRoute = createRoute({
  getParentRoute: () => rootRoute,
  id: "app",
  beforeLoad: ({ location }) => requireSession(location),
  component: AppShell,
  pendingComponent: PageSkeleton,
});

const indexRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/",
  beforeLoad: () => {
    throw redirect({ to: "/projects" });
  },
});

const projectsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/projects",
  component: lazyRouteComponent(() => import("./pages/ProjectsPage"), "ProjectsPage"),
});

const projectRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/projects/$project",
  component: lazyRouteComponent(() => import("./pages/AppsPage"), "AppsPage"),
});

const appDeploymentsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/projects/$project/apps/$app",
  component: lazyRouteComponent(() => import("./pages/DeploymentsPage"), "DeploymentsPage"),
});

const envVarsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/projects/$project/apps/$app/env/$environment",
  component: lazyRouteComponent(() => import("./pages/EnvVarsPage"), "EnvVarsPage"),
});

const settingsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/projects/$project/apps/$app/settings/$environment",
  component: lazyRouteComponent(() => import("./pages/SettingsPage"), "SettingsPage"),
});

const policiesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/projects/$project/apps/$app/policies/$environment",
  component: lazyRouteComponent(() => import("./pages/PoliciesPage"), "PoliciesPage"),
});

const keysRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/keys",
  validateSearch: (search: Record<string, unknown>): { api?: string } =>
    typeof search.api === "string" ? { api: search.api } : {},
  component: lazyRouteComponent(() => import("./pages/KeysPage"), "KeysPage"),
});

const identitiesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/keys/identities",
  component: lazyRouteComponent(() => import("./pages/IdentitiesPage"), "IdentitiesPage"),
});

const rolesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/keys/roles",
  component: lazyRouteComponent(() => import("./pages/RolesPage"), "RolesPage"),
});

const overridesRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/keys/overrides",
  component: lazyRouteComponent(
    () => import("./pages/RatelimitOverridesPage"),
    "RatelimitOverridesPage",
  ),
});

const requestLogsRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/request-logs",
  component: lazyRouteComponent(() => import("./pages/RequestLogsPage"), "RequestLogsPage"),
});

const auditLogRoute = createRoute({
  getParentRoute: () => appRoute,
  path: "/audit-log",
  component: lazyRouteComponent(() => import("./pages/AuditLogPage"), "AuditLogPage"),
});

const routeTree = rootRoute.addChildren([
  signInRoute,
  appRoute.addChildren([
    indexRoute,
    projectsRoute,
    projectRoute,
    appDeploymentsRoute,
    envVarsRoute,
    settingsRoute,
    policiesRoute,
    keysRoute,
    identitiesRoute,
    rolesRoute,
    overridesRoute,
    requestLogsRoute,
    auditLogRoute,
  ]),
]);

export const router = createRouter({
  routeTree,
  context: { queryClient: undefined as unknown as QueryClient },
  defaultPreload: "intent",
  defaultPendingComponent: PageSkeleton,
});

declare module "@tanstack/react-router" {
  interface Register {
    router: typeof router;
  }
}
