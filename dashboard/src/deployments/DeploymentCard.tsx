import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link } from "@tanstack/react-router";
import { deploymentsPromoteDeployment } from "@unkey/api/funcs/deploymentsPromoteDeployment.js";
import { deploymentsRollbackDeployment } from "@unkey/api/funcs/deploymentsRollbackDeployment.js";
import { deploymentsStartDeployment } from "@unkey/api/funcs/deploymentsStartDeployment.js";
import { deploymentsStopDeployment } from "@unkey/api/funcs/deploymentsStopDeployment.js";
import { useState } from "react";
import { sdk, unwrap } from "../api/sdk";
import { type Deployment, slipway } from "../api/slipway";
import { ErrorNote } from "../ui/ErrorNote";
import { BuildLog } from "./BuildLog";
import {
  displayStatus,
  extensionActions,
  failureHelp,
  formatDuration,
  isInFlight,
  statusLabel,
} from "./deployment-view";

type Action = "promote" | "rollback" | "start" | "stop" | "cancel" | "approve";

const actionLabels: Record<Action, string> = {
  promote: "Promote",
  rollback: "Roll back to this",
  start: "Start",
  stop: "Stop",
  cancel: "Cancel build",
  approve: "Approve",
};

function runAction(action: Action, deploymentId: string): Promise<unknown> {
  const body = { deploymentId };
  switch (action) {
    case "promote":
      return unwrap(deploymentsPromoteDeployment(sdk, body));
    case "rollback":
      return unwrap(deploymentsRollbackDeployment(sdk, body));
    case "start":
      return unwrap(deploymentsStartDeployment(sdk, body));
    case "stop":
      return unwrap(deploymentsStopDeployment(sdk, body));
    case "cancel":
      return slipway.cancelDeployment(deploymentId);
    case "approve":
      return slipway.approveDeployment(deploymentId);
  }
}

/** One deployment: real status, git source, timing, the actions the API offers, its log. */
export function DeploymentCard(props: {
  deployment: Deployment;
  project: string;
  app: string;
  environmentSlug?: string;
}) {
  const { deployment, project, app } = props;
  const queryClient = useQueryClient();
  const [showLog, setShowLog] = useState(isInFlight(deployment));
  const status = displayStatus(deployment);
  const action = useMutation({
    mutationFn: (chosen: Action) => runAction(chosen, deployment.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: ["deployments", project, app] }),
  });
  const actions: Action[] = [...deployment.availableActions, ...extensionActions(deployment)];
  const finished = !isInFlight(deployment) && deployment.updatedAt !== undefined;
  const help = deployment.error ? failureHelp(deployment.error.code) : null;

  return (
    <article className="card" aria-label={`Deployment ${deployment.id}`} data-status={status}>
      <header>
        <span className={`status status-${status}`}>{statusLabel(status)}</span>
        {deployment.isCurrent && <span className="status status-ready">Current</span>}
        <span className="mono">{deployment.id}</span>
        <span className="muted">{deployment.environment}</span>
      </header>
      <dl>
        {deployment.git && (
          <>
            <dt>Branch</dt>
            <dd className="mono">{deployment.git.branch ?? "—"}</dd>
            <dt>Commit</dt>
            <dd>
              <span className="mono">{deployment.git.commitSha.slice(0, 12)}</span>
              {deployment.git.commitMessage && <> {deployment.git.commitMessage}</>}
            </dd>
            {deployment.git.authorHandle && (
              <>
                <dt>Author</dt>
                <dd>{deployment.git.authorHandle}</dd>
              </>
            )}
          </>
        )}
        {deployment.docker && (
          <>
            <dt>Image</dt>
            <dd className="mono">{deployment.docker.image}</dd>
          </>
        )}
        <dt>Created</dt>
        <dd>
          <time dateTime={new Date(deployment.createdAt).toISOString()}>
            {new Date(deployment.createdAt).toLocaleString()}
          </time>
        </dd>
        {finished && deployment.updatedAt !== undefined && (
          <>
            <dt>Took</dt>
            <dd>{formatDuration(deployment.updatedAt - deployment.createdAt)}</dd>
          </>
        )}
        {deployment.skipReason && (
          <>
            <dt>Skipped</dt>
            <dd>{deployment.skipReason}</dd>
          </>
        )}
        {deployment.domains && deployment.domains.length > 0 && (
          <>
            <dt>Domains</dt>
            <dd className="mono">{deployment.domains.join(", ")}</dd>
          </>
        )}
      </dl>
      {deployment.error && help && (
        <p className="error">
          {help.hint} {deployment.error.message}{" "}
          {props.environmentSlug &&
            (help.setting === "env" ? (
              <Link
                to="/projects/$project/apps/$app/env/$environment"
                params={{ project, app, environment: props.environmentSlug }}
              >
                Open the environment's variables
              </Link>
            ) : (
              <Link
                to="/projects/$project/apps/$app/settings/$environment"
                params={{ project, app, environment: props.environmentSlug }}
              >
                Open the environment's {help.setting} settings
              </Link>
            ))}
        </p>
      )}
      <div className="actions">
        {actions.map((chosen) => (
          <button
            key={chosen}
            type="button"
            className={chosen === "cancel" || chosen === "stop" ? "danger" : undefined}
            disabled={action.isPending}
            onClick={() => action.mutate(chosen)}
          >
            {actionLabels[chosen]}
          </button>
        ))}
        <button
          type="button"
          className="secondary"
          aria-expanded={showLog}
          onClick={() => setShowLog((shown) => !shown)}
        >
          {showLog ? "Hide build log" : "Show build log"}
        </button>
      </div>
      <ErrorNote error={action.error} />
      {showLog && <BuildLog deploymentId={deployment.id} follow={isInFlight(deployment)} />}
    </article>
  );
}
