import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { useParams } from "@tanstack/react-router";
import { environmentsListEnvironmentVariables } from "@unkey/api/funcs/environmentsListEnvironmentVariables.js";
import { environmentsRemoveEnvironmentVariables } from "@unkey/api/funcs/environmentsRemoveEnvironmentVariables.js";
import { environmentsSetEnvironmentVariables } from "@unkey/api/funcs/environmentsSetEnvironmentVariables.js";
import type { EnvironmentVariable } from "@unkey/api/models/components";
import { useState } from "react";
import { sdk, unwrap } from "../api/sdk";
import { EnvEditor } from "../env/EnvEditor";
import { useEnvDraft } from "../env/use-env-draft";
import { ConfirmButton } from "../ui/ConfirmButton";
import { DataTable } from "../ui/DataTable";
import { EnvironmentBreadcrumbs } from "../ui/EnvironmentBreadcrumbs";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

const batchSize = 50;

/** An environment's variables: search, remove, and the slide-out editor for adding or replacing. */
export function EnvVarsPage() {
  const { project, app, environment } = useParams({
    from: "/app/projects/$project/apps/$app/env/$environment",
  });
  const scope = { project, app, environment };
  const queryKey = ["env-vars", project, app, environment];
  const queryClient = useQueryClient();
  const [search, setSearch] = useState("");
  const draft = useEnvDraft(`${project}/${app}/${environment}`);
  const [editorOpen, setEditorOpen] = useState(false);

  const variables = useInfiniteQuery({
    queryKey,
    queryFn: ({ pageParam }) =>
      unwrap(
        environmentsListEnvironmentVariables(sdk, {
          ...scope,
          limit: 100,
          ...(pageParam ? { cursor: pageParam } : {}),
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.pagination.hasMore ? page.pagination.cursor : undefined),
  });
  const all = variables.data?.pages.flatMap((page) => page.data) ?? [];
  const needle = search.trim().toLowerCase();
  const shown = needle
    ? all.filter((variable) => variable.key.toLowerCase().includes(needle))
    : all;

  const save = useMutation({
    mutationFn: async () => {
      const input = draft.rows.map((row) => ({
        key: row.key.trim(),
        value: row.value,
        kind: row.secret ? ("writeonly" as const) : ("recoverable" as const),
      }));
      for (let start = 0; start < input.length; start += batchSize) {
        await unwrap(
          environmentsSetEnvironmentVariables(sdk, {
            ...scope,
            variables: input.slice(start, start + batchSize),
          }),
        );
      }
    },
    onSuccess: () => {
      draft.clear();
      setEditorOpen(false);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey }),
  });

  const remove = useMutation({
    mutationFn: (variable: EnvironmentVariable) =>
      unwrap(environmentsRemoveEnvironmentVariables(sdk, { ...scope, variables: [variable.key] })),
    // Safe to show at once: the row comes back if the server refuses.
    onMutate: async (variable) => {
      await queryClient.cancelQueries({ queryKey });
      const before = queryClient.getQueryData(queryKey);
      queryClient.setQueryData(queryKey, (data: typeof variables.data) =>
        data
          ? {
              ...data,
              pages: data.pages.map((page) => ({
                ...page,
                data: page.data.filter((other) => other.key !== variable.key),
              })),
            }
          : data,
      );
      return { before };
    },
    onError: (_error, _variable, context) => queryClient.setQueryData(queryKey, context?.before),
    onSettled: () => queryClient.invalidateQueries({ queryKey }),
  });

  return (
    <div className="page">
      <EnvironmentBreadcrumbs project={project} app={app} environment={environment} />
      <h1>Environment variables · {environment}</h1>
      <div className="toolbar">
        <label>
          Search by key
          <input type="search" value={search} onChange={(event) => setSearch(event.target.value)} />
        </label>
        <button type="button" onClick={() => setEditorOpen(true)}>
          {draft.rows.length > 0
            ? `Edit variables (${draft.rows.length} unsaved)`
            : "Edit variables"}
        </button>
      </div>
      <ErrorNote error={variables.error ?? remove.error} />
      {variables.isPending ? (
        <Skeleton lines={5} label="Loading variables" />
      ) : (
        <DataTable
          caption={`Variables of ${environment}`}
          rows={shown}
          rowKey={(variable) => variable.key}
          onNearEnd={variables.hasNextPage ? () => void variables.fetchNextPage() : undefined}
          empty={needle ? "No variable matches." : "No variables yet."}
          columns={[
            { header: "Key", cell: (variable) => <span className="mono">{variable.key}</span> },
            {
              header: "Value",
              cell: (variable) =>
                variable.kind === "writeonly" ? (
                  <span className="muted">Write-only: never shown</span>
                ) : (
                  <span className="mono">{variable.value}</span>
                ),
            },
            { header: "Kind", cell: (variable) => variable.kind },
            {
              header: "Actions",
              cell: (variable) => (
                <ConfirmButton
                  label="Remove"
                  confirmLabel={`Remove ${variable.key}`}
                  onConfirm={() => remove.mutate(variable)}
                />
              ),
            },
          ]}
        />
      )}
      {editorOpen && (
        <EnvEditor
          environmentLabel={environment}
          rows={draft.rows}
          setRows={draft.setRows}
          existingKeys={new Set(all.map((variable) => variable.key))}
          saving={save.isPending}
          onSave={() => save.mutate()}
          onClose={() => setEditorOpen(false)}
          saveError={<ErrorNote error={save.error} />}
        />
      )}
    </div>
  );
}
