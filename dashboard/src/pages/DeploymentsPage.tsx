import { useInfiniteQuery, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useParams } from "@tanstack/react-router";
import { environmentsListEnvironments } from "@unkey/api/funcs/environmentsListEnvironments.js";
import { lazy, Suspense, useState } from "react";
import { sdk, unwrap } from "../api/sdk";
import { slipway } from "../api/slipway";
import { AppSource } from "../apps/AppSource";
import { DeploymentCard } from "../deployments/DeploymentCard";
import { isInFlight } from "../deployments/deployment-view";

// Loaded when opened: the first load of the page stays as it was.
const ManualDeployDialog = lazy(() =>
  import("../deployments/ManualDeployDialog").then((module) => ({
    default: module.ManualDeployDialog,
  })),
);

import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

/** An app's environments and its deployments as cards, refreshed while any is in flight. */
export function DeploymentsPage() {
  const { project, app } = useParams({ from: "/app/projects/$project/apps/$app" });
  const queryClient = useQueryClient();
  const [deployOpen, setDeployOpen] = useState(false);
  const environments = useQuery({
    queryKey: ["environments", project, app],
    queryFn: () => unwrap(environmentsListEnvironments(sdk, { project, app })),
  });
  const deployments = useInfiniteQuery({
    queryKey: ["deployments", project, app],
    queryFn: ({ pageParam }) =>
      slipway.listDeployments({
        project,
        app,
        limit: 50,
        ...(pageParam ? { cursor: pageParam } : {}),
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.pagination?.hasMore ? page.pagination.cursor : undefined),
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.data.some(isInFlight)) ? 2000 : 10_000,
  });
  const rows = deployments.data?.pages.flatMap((page) => page.data) ?? [];
  const environmentList = environments.data?.data ?? [];
  const slugById = new Map(
    environmentList.map((environment) => [environment.id, environment.slug]),
  );

  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/projects">Projects</Link> /{" "}
        <Link to="/projects/$project" params={{ project }}>
          {project}
        </Link>{" "}
        / {app}
      </p>
      <h1>{app}</h1>
      <ErrorNote error={environments.error ?? deployments.error} />
      <h2>Environments</h2>
      {environments.isPending ? (
        <Skeleton lines={2} label="Loading environments" />
      ) : (
        <ul className="environment-list">
          {environmentList.map((environment) => (
            <li key={environment.id}>
              <strong>{environment.slug}</strong>{" "}
              <span className="muted">({environment.kind})</span>{" "}
              <Link
                to="/projects/$project/apps/$app/env/$environment"
                params={{ project, app, environment: environment.slug }}
              >
                Environment variables
              </Link>{" "}
              ·{" "}
              <Link
                to="/projects/$project/apps/$app/settings/$environment"
                params={{ project, app, environment: environment.slug }}
              >
                Settings
              </Link>{" "}
              ·{" "}
              <Link
                to="/projects/$project/apps/$app/policies/$environment"
                params={{ project, app, environment: environment.slug }}
              >
                Sentinel policies
              </Link>
            </li>
          ))}
        </ul>
      )}
      <AppSource project={project} app={app} />
      <div className="toolbar">
        <h2>Deployments</h2>
        <button
          type="button"
          disabled={environmentList.length === 0}
          onClick={() => setDeployOpen(true)}
        >
          Deploy…
        </button>
      </div>
      {deployOpen && (
        <Suspense fallback={null}>
          <ManualDeployDialog
            project={project}
            app={app}
            environments={environmentList}
            onClose={() => setDeployOpen(false)}
            onCreated={() => {
              setDeployOpen(false);
              void queryClient.invalidateQueries({ queryKey: ["deployments", project, app] });
            }}
          />
        </Suspense>
      )}
      {deployments.isPending ? (
        <Skeleton lines={6} label="Loading deployments" />
      ) : rows.length === 0 ? (
        <div className="empty">No deployments yet: push to the repository or deploy by hand.</div>
      ) : (
        <div className="cards">
          {rows.map((deployment) => (
            <DeploymentCard
              key={deployment.id}
              deployment={deployment}
              project={project}
              app={app}
              environmentSlug={slugById.get(deployment.environment) ?? deployment.environment}
            />
          ))}
        </div>
      )}
      {deployments.hasNextPage && (
        <button
          type="button"
          className="secondary"
          disabled={deployments.isFetchingNextPage}
          onClick={() => void deployments.fetchNextPage()}
        >
          Load older deployments
        </button>
      )}
    </div>
  );
}
