import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { appsGetApp } from "@unkey/api/funcs/appsGetApp.js";
import { appsUpdateApp } from "@unkey/api/funcs/appsUpdateApp.js";
import type { App } from "@unkey/api/models/components";
import { type FormEvent, useState } from "react";
import { sdk, unwrap } from "../api/sdk";
import { ConfirmButton } from "../ui/ConfirmButton";
import { ErrorNote } from "../ui/ErrorNote";
import { Skeleton } from "../ui/Skeleton";

type AppUpdate = {
  git?: { repository?: string; defaultBranch?: string } | null;
  deleteProtection?: boolean;
};

/**
 * The app's connected repository (connect, switch, change the tracked branch, disconnect) and
 * its delete protection, through the SDK's `apps.updateApp`.
 */
export function AppSource(props: { project: string; app: string }) {
  const { project, app } = props;
  const queryClient = useQueryClient();
  const appKey = ["app", project, app];
  const [askedProtection, setAskedProtection] = useState<boolean | undefined>(undefined);
  const details = useQuery({
    queryKey: appKey,
    queryFn: () => unwrap(appsGetApp(sdk, { project, app })),
  });
  const update = useMutation({
    mutationFn: (change: AppUpdate) => unwrap(appsUpdateApp(sdk, { project, app, ...change })),
    onSuccess: (answer) => queryClient.setQueryData(appKey, answer),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["apps", project] }),
  });
  if (details.isPending) return <Skeleton lines={2} label="Loading the app" />;
  const current = details.data?.data;
  // Optimistic: while a protection change is in flight the box shows what was asked for. Set in
  // the change handler itself (the mutation's own state arrives a tick later, after React has
  // put a controlled checkbox back); cleared when the answer is in the cache or refused.
  const protection = askedProtection ?? current?.deleteProtection ?? false;
  return (
    <section aria-label="Source">
      <h2>Source</h2>
      <ErrorNote error={details.error ?? update.error} />
      {current && (
        <SourceForm
          key={sourceKey(current)}
          current={current}
          pending={update.isPending}
          onSave={update.mutate}
        />
      )}
      {current && (
        <label className="inline">
          <input
            type="checkbox"
            checked={protection}
            onChange={(event) => {
              const deleteProtection = event.target.checked;
              setAskedProtection(deleteProtection);
              update.mutate(
                { deleteProtection },
                { onSettled: () => setAskedProtection(undefined) },
              );
            }}
          />
          Delete protection (the app cannot be deleted while it is on)
        </label>
      )}
    </section>
  );
}

function sourceKey(app: App): string {
  return `${app.git?.repository ?? ""}@${app.git?.defaultBranch ?? ""}`;
}

function SourceForm(props: {
  current: App;
  pending: boolean;
  onSave: (change: AppUpdate) => void;
}) {
  const { current, pending, onSave } = props;
  const [repository, setRepository] = useState(current.git?.repository ?? "");
  const [branch, setBranch] = useState(current.git?.defaultBranch ?? "");

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    // Only what changed: the API treats repository and branch independently.
    const git: { repository?: string; defaultBranch?: string } = {};
    if (repository.trim() !== (current.git?.repository ?? "")) git.repository = repository.trim();
    if (branch.trim() && branch.trim() !== (current.git?.defaultBranch ?? "")) {
      git.defaultBranch = branch.trim();
    }
    if (Object.keys(git).length > 0) onSave({ git });
  }

  return (
    <form className="toolbar" aria-label="Connected repository" onSubmit={onSubmit}>
      <label>
        GitHub repository (owner/name)
        <input
          value={repository}
          onChange={(event) => setRepository(event.target.value)}
          required
        />
      </label>
      <label>
        Production branch
        <input value={branch} onChange={(event) => setBranch(event.target.value)} />
      </label>
      <button type="submit" disabled={pending}>
        {current.git ? "Save repository" : "Connect repository"}
      </button>
      {current.git && (
        <ConfirmButton
          label="Disconnect"
          confirmLabel={`Disconnect ${current.git.repository}`}
          onConfirm={() => onSave({ git: null })}
        />
      )}
    </form>
  );
}
