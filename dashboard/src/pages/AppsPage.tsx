import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "@tanstack/react-router";
import { appsCreateApp } from "@unkey/api/funcs/appsCreateApp.js";
import { appsDeleteApp } from "@unkey/api/funcs/appsDeleteApp.js";
import { appsListApps } from "@unkey/api/funcs/appsListApps.js";
import { projectsGetProject } from "@unkey/api/funcs/projectsGetProject.js";
import type { App } from "@unkey/api/models/components";
import { type FormEvent, useState } from "react";
import { sdk, unwrap, unwrapPage } from "../api/sdk";
import { ConfirmButton } from "../ui/ConfirmButton";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";
import { slugify } from "../ui/slugify";

/** A project's apps: list, create (with an optional GitHub repository), delete. */
export function AppsPage() {
  const { project } = useParams({ from: "/app/projects/$project" });
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const appsKey = ["apps", project];
  // Both requests start together: no waterfall between the project's name and its apps.
  const details = useQuery({
    queryKey: ["project", project],
    queryFn: () => unwrap(projectsGetProject(sdk, { project })),
  });
  const apps = useInfiniteQuery({
    queryKey: appsKey,
    queryFn: ({ pageParam }) =>
      unwrapPage(
        appsListApps(sdk, { project, limit: 100, ...(pageParam ? { cursor: pageParam } : {}) }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.pagination.hasMore ? page.pagination.cursor : undefined),
  });
  const rows = apps.data?.pages.flatMap((page) => page.data) ?? [];
  const remove = useMutation({
    mutationFn: (app: App) => unwrap(appsDeleteApp(sdk, { project, app: app.id })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: appsKey }),
  });

  return (
    <div className="page">
      <p className="breadcrumbs">
        <Link to="/projects">Projects</Link> / {project}
      </p>
      <h1>{details.data?.data.name ?? project}</h1>
      <ErrorNote error={details.error ?? apps.error ?? remove.error} />
      <CreateAppForm project={project} />
      {apps.isPending ? (
        <Skeleton lines={4} label="Loading apps" />
      ) : (
        <DataTable
          caption="Apps"
          rows={rows}
          rowKey={(app) => app.id}
          onActivate={(app) =>
            void navigate({
              to: "/projects/$project/apps/$app",
              params: { project, app: app.slug },
            })
          }
          onNearEnd={apps.hasNextPage ? () => void apps.fetchNextPage() : undefined}
          empty="No apps in this project yet."
          columns={[
            {
              header: "App",
              cell: (app) => (
                <Link
                  to="/projects/$project/apps/$app"
                  params={{ project, app: app.slug }}
                  tabIndex={-1}
                >
                  {app.name}
                </Link>
              ),
            },
            { header: "Slug", cell: (app) => <span className="mono">{app.slug}</span> },
            {
              header: "Repository",
              cell: (app) => (app.git ? <span className="mono">{app.git.repository}</span> : "—"),
            },
            {
              header: "Actions",
              cell: (app) => (
                <ConfirmButton
                  label="Delete"
                  confirmLabel={`Delete ${app.name}`}
                  onConfirm={() => remove.mutate(app)}
                />
              ),
            },
          ]}
        />
      )}
    </div>
  );
}

function CreateAppForm({ project }: { project: string }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [repository, setRepository] = useState("");
  const slug = slugify(name);
  const create = useMutation({
    mutationFn: () =>
      unwrap(
        appsCreateApp(sdk, {
          project,
          name: name.trim(),
          slug,
          ...(repository.trim() ? { git: { repository: repository.trim() } } : {}),
        }),
      ),
    onSuccess: () => {
      setName("");
      setRepository("");
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["apps", project] }),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <form className="toolbar" onSubmit={onSubmit} aria-label="Create an app">
      <label>
        App name
        <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label>
        GitHub repository (owner/name, optional)
        <input value={repository} onChange={(event) => setRepository(event.target.value)} />
      </label>
      <button type="submit" disabled={create.isPending || !slug}>
        Create app
      </button>
      <ErrorNote error={create.error} />
    </form>
  );
}
