import { useInfiniteQuery, useMutation, useQuery } from "@tanstack/react-query";
import { deploymentsCreateDeployment } from "@unkey/api/funcs/deploymentsCreateDeployment.js";
import type { Environment } from "@unkey/api/models/components";
import { useEffect, useRef, useState } from "react";
import { repository } from "../api/repository";
import { sdk, unwrap } from "../api/sdk";
import { Drawer } from "../ui/Drawer";
import { ErrorNote } from "../ui/ErrorNote";

/** The branch head: deploy whatever the branch points at when the build starts resolving it. */
const branchHead = "";

/**
 * Deploy by hand: a branch and commit of the app's connected repository (listed through
 * Slipway's `apps.listRepositoryBranches` / `listRepositoryCommits`), and the target environment.
 */
export function ManualDeployDialog(props: {
  project: string;
  app: string;
  environments: Environment[];
  onCreated: (deploymentId: string) => void;
  onClose: () => void;
}) {
  const { project, app } = props;
  const [environment, setEnvironment] = useState(
    props.environments.find((candidate) => candidate.kind === "production")?.slug ??
      props.environments[0]?.slug ??
      "",
  );
  const [branch, setBranch] = useState<string | undefined>(undefined);
  const [commitSha, setCommitSha] = useState(branchHead);
  const firstField = useRef<HTMLSelectElement>(null);
  useEffect(() => firstField.current?.focus(), []);

  const branches = useInfiniteQuery({
    queryKey: ["repository-branches", project, app],
    queryFn: ({ pageParam }) =>
      repository.listBranches({ project, app, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => (page.pagination?.hasMore ? page.pagination.cursor : undefined),
  });
  const branchList = branches.data?.pages.flatMap((page) => page.data) ?? [];
  const chosenBranch =
    branch ??
    branchList.find((candidate) => candidate.name === "main")?.name ??
    branchList[0]?.name;
  const commits = useQuery({
    queryKey: ["repository-commits", project, app, chosenBranch],
    queryFn: () => repository.listCommits({ project, app, branch: chosenBranch! }),
    enabled: chosenBranch !== undefined,
  });

  const deploy = useMutation({
    mutationFn: () =>
      unwrap(
        deploymentsCreateDeployment(sdk, {
          project,
          app,
          environment,
          git: { branch: chosenBranch!, ...(commitSha ? { commitSha } : {}) },
        }),
      ),
    onSuccess: (result) => props.onCreated(result.data.deploymentId),
  });

  return (
    <Drawer titleId="manual-deploy-title" title={<>Deploy {app} by hand</>} onClose={props.onClose}>
      <form
        className="sign-in-form"
        onSubmit={(event) => {
          event.preventDefault();
          deploy.mutate();
        }}
      >
        <label htmlFor="deploy-environment">Environment</label>
        <select
          id="deploy-environment"
          ref={firstField}
          value={environment}
          onChange={(event) => setEnvironment(event.target.value)}
        >
          {props.environments.map((candidate) => (
            <option key={candidate.id} value={candidate.slug}>
              {candidate.slug} ({candidate.kind})
            </option>
          ))}
        </select>
        <ErrorNote error={branches.error} />
        <label htmlFor="deploy-branch">Branch</label>
        <select
          id="deploy-branch"
          value={chosenBranch ?? ""}
          disabled={branches.isPending}
          onChange={(event) => {
            setBranch(event.target.value);
            setCommitSha(branchHead);
          }}
        >
          {branches.isPending && <option value="">Loading branches…</option>}
          {branchList.map((candidate) => (
            <option key={candidate.name} value={candidate.name}>
              {candidate.name}
            </option>
          ))}
        </select>
        {branches.hasNextPage && (
          <button
            type="button"
            className="secondary"
            disabled={branches.isFetchingNextPage}
            onClick={() => void branches.fetchNextPage()}
          >
            Load more branches
          </button>
        )}
        <ErrorNote error={commits.error} />
        <label htmlFor="deploy-commit">Commit</label>
        <select
          id="deploy-commit"
          value={commitSha}
          disabled={!commits.data}
          onChange={(event) => setCommitSha(event.target.value)}
        >
          <option value={branchHead}>Latest commit on {chosenBranch ?? "the branch"}</option>
          {(commits.data?.data ?? []).map((commit) => (
            <option key={commit.commitSha} value={commit.commitSha}>
              {commit.commitSha.slice(0, 7)} · {commit.commitMessage.slice(0, 60)}
              {commit.authorHandle ? ` · ${commit.authorHandle}` : ""}
            </option>
          ))}
        </select>
        <button type="submit" disabled={deploy.isPending || !chosenBranch || !environment}>
          {deploy.isPending ? "Deploying…" : `Deploy to ${environment}`}
        </button>
        <ErrorNote error={deploy.error} />
      </form>
    </Drawer>
  );
}
