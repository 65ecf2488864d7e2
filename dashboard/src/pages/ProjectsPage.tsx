import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "@tanstack/react-router";
import { projectsCreateProject } from "@unkey/api/funcs/projectsCreateProject.js";
import { projectsDeleteProject } from "@unkey/api/funcs/projectsDeleteProject.js";
import { projectsListProjects } from "@unkey/api/funcs/projectsListProjects.js";
import type { Project } from "@unkey/api/models/components";
import { type FormEvent, useState } from "react";
import { sdk, unwrap, unwrapPage } from "../api/sdk";
import { ConfirmButton } from "../ui/ConfirmButton";
import { DataTable } from "../ui/DataTable";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";
import { slugify } from "../ui/slugify";

const projectsKey = ["projects"] as const;

export function ProjectsPage() {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const projects = useInfiniteQuery({
    queryKey: projectsKey,
    queryFn: ({ pageParam }) =>
      unwrapPage(
        projectsListProjects(sdk, { limit: 100, ...(pageParam ? { cursor: pageParam } : {}) }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.pagination.hasMore ? page.pagination.cursor : undefined),
  });
  const rows = projects.data?.pages.flatMap((page) => page.data) ?? [];

  const remove = useMutation({
    mutationFn: (project: Project) => unwrap(projectsDeleteProject(sdk, { project: project.id })),
    onSettled: () => queryClient.invalidateQueries({ queryKey: projectsKey }),
  });

  return (
    <div className="page">
      <h1>Projects</h1>
      <CreateProjectForm />
      <ErrorNote error={projects.error ?? remove.error} />
      {projects.isPending ? (
        <Skeleton lines={5} label="Loading projects" />
      ) : (
        <DataTable
          caption="Projects"
          rows={rows}
          rowKey={(project) => project.id}
          onActivate={(project) =>
            void navigate({ to: "/projects/$project", params: { project: project.slug } })
          }
          onNearEnd={projects.hasNextPage ? () => void projects.fetchNextPage() : undefined}
          empty="No projects yet: create the first one above."
          columns={[
            {
              header: "Name",
              cell: (project) => (
                <Link to="/projects/$project" params={{ project: project.slug }} tabIndex={-1}>
                  {project.name}
                </Link>
              ),
            },
            { header: "Slug", cell: (project) => <span className="mono">{project.slug}</span> },
            {
              header: "Created",
              cell: (project) => new Date(project.createdAt).toLocaleString(),
            },
            {
              header: "Protected",
              cell: (project) => (project.deleteProtection ? "Delete protection on" : "—"),
            },
            {
              header: "Actions",
              cell: (project) => (
                <ConfirmButton
                  label="Delete"
                  confirmLabel={`Delete ${project.name}`}
                  onConfirm={() => remove.mutate(project)}
                />
              ),
            },
          ]}
        />
      )}
    </div>
  );
}

function CreateProjectForm() {
  const queryClient = useQueryClient();
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const effectiveSlug = slugEdited ? slug : slugify(name);
  const create = useMutation({
    mutationFn: () =>
      unwrap(projectsCreateProject(sdk, { name: name.trim(), slug: effectiveSlug })),
    onSuccess: () => {
      setName("");
      setSlug("");
      setSlugEdited(false);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: projectsKey }),
  });

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    create.mutate();
  }

  return (
    <form className="toolbar" onSubmit={onSubmit} aria-label="Create a project">
      <label>
        Project name
        <input value={name} onChange={(event) => setName(event.target.value)} required />
      </label>
      <label>
        Slug
        <input
          value={effectiveSlug}
          onChange={(event) => {
            setSlugEdited(true);
            setSlug(event.target.value);
          }}
          required
        />
      </label>
      <button type="submit" disabled={create.isPending || !name.trim() || !effectiveSlug}>
        Create project
      </button>
      <ErrorNote error={create.error} />
    </form>
  );
}
