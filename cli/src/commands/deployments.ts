import { apiDeploymentStatuses } from "@slipway/shared";
import type { Deployment } from "@unkey/api/models/components";
import { type Command, Option } from "commander";
import type { SlipwayApi } from "../api/slipway-api.js";
import { usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { deploymentUrls } from "../deploy/deployment-outcome.js";
import { formatTime, renderTable } from "../output/table.js";
import { commandContext, examples, positiveInteger } from "./command-context.js";

// What the API answers with (an idle preview reads `ready`).
const statuses = apiDeploymentStatuses;

const source = (deployment: Deployment) =>
  deployment.git
    ? `${deployment.git.branch ? `${deployment.git.branch}@` : ""}${deployment.git.commitSha.slice(0, 7)}`
    : (deployment.docker?.image ?? "upload");

/** Pure: a deployment as lines for people. */
export function describeDeployment(deployment: Deployment, apiUrl: string): string[] {
  return [
    `${deployment.id}  ${deployment.status}${deployment.isCurrent ? " (current)" : ""}`,
    `  app          ${deployment.project}/${deployment.app} (${deployment.environment})`,
    `  source       ${source(deployment)}`,
    `  regions      ${deployment.regions.join(", ") || "-"}`,
    `  created      ${formatTime(deployment.createdAt)}`,
    ...(deployment.error
      ? [
          `  error        ${deployment.error.code} at ${deployment.error.step}: ${deployment.error.message}`,
        ]
      : []),
    ...deploymentUrls(deployment.domains, apiUrl).map((url) => `  url          ${url}`),
    `  actions      ${deployment.availableActions.join(", ") || "-"}`,
  ];
}

type Lifecycle = [
  name: string,
  summary: string,
  verb: string,
  run: (api: SlipwayApi, deploymentId: string) => Promise<unknown>,
];

const lifecycle: Lifecycle[] = [
  [
    "promote",
    "Make a ready production deployment the current one",
    "Promoting",
    (api, deploymentId) => api.call((sdk) => sdk.deployments.promoteDeployment({ deploymentId })),
  ],
  [
    "rollback",
    "Move production traffic back to this earlier ready deployment",
    "Rolling back to",
    (api, deploymentId) => api.call((sdk) => sdk.deployments.rollbackDeployment({ deploymentId })),
  ],
  [
    "cancel",
    "Cancel a queued, waiting or building deployment",
    "Cancelling",
    (api, deploymentId) => api.cancelDeployment(deploymentId),
  ],
  [
    "approve",
    "Let a deployment awaiting approval (a fork's pull request) go on",
    "Approved",
    (api, deploymentId) => api.approveDeployment(deploymentId),
  ],
  [
    "start",
    "Start a stopped preview deployment again",
    "Starting",
    (api, deploymentId) => api.call((sdk) => sdk.deployments.startDeployment({ deploymentId })),
  ],
  [
    "stop",
    "Stop a ready preview deployment (scale to zero)",
    "Stopping",
    (api, deploymentId) => api.call((sdk) => sdk.deployments.stopDeployment({ deploymentId })),
  ],
];

export function deploymentsCommand(program: Command, io: CliIo) {
  const deployments = program
    .command("deployments")
    .description("List, inspect and act on deployments");

  addList(deployments, io);
  addGet(deployments, io);
  addLifecycleCalls(deployments, io);
}

function addList(deployments: Command, io: CliIo) {
  deployments
    .command("list")
    .description("List deployments, newest first")
    .option("-p, --project <project>", "only this project's")
    .option("-a, --app <app>", "only this app's (needs --project)")
    .option(
      "-e, --environment <environment>",
      "only this environment's (needs --project and --app)",
    )
    .addOption(
      new Option("--status <status...>", "only deployments in these statuses").choices(statuses),
    )
    .addOption(new Option("--limit <n>", "at most this many").argParser(positiveInteger("--limit")))
    .option("--cursor <cursor>", "continue after an earlier page")
    .addHelpText(
      "after",
      examples(
        "slipway deployments list -p storefront -a web",
        "slipway deployments list --status failed --limit 5 --output=json",
      ),
    )
    .action(
      async (
        options: {
          project?: string;
          app?: string;
          environment?: string;
          status?: (typeof statuses)[number][];
          limit?: number;
          cursor?: string;
        },
        command: Command,
      ) => {
        const { output, api } = commandContext(io, command);
        if (options.app && !options.project) throw usageError("--app needs --project.");
        if (options.environment && !(options.project && options.app))
          throw usageError("--environment needs --project and --app.");
        const page = await (await api()).call((sdk) =>
          sdk.deployments.listDeployments({
            ...(options.project ? { project: options.project } : {}),
            ...(options.app ? { app: options.app } : {}),
            ...(options.environment ? { environment: options.environment } : {}),
            ...(options.status ? { status: options.status } : {}),
            ...(options.limit ? { limit: options.limit } : {}),
            ...(options.cursor ? { cursor: options.cursor } : {}),
          }),
        );
        const { data, pagination } = page.result;
        output.result({ deployments: data, pagination }, ({ deployments: rows }) =>
          renderTable(
            ["ID", "STATUS", "APP", "ENV", "SOURCE", "CREATED"],
            rows.map((row) => [
              row.id,
              `${row.status}${row.isCurrent ? " *" : ""}`,
              `${row.project}/${row.app}`,
              row.environment,
              source(row),
              formatTime(row.createdAt),
            ]),
          ),
        );
        if (pagination?.hasMore) output.note(`More: --cursor ${pagination.cursor}`);
      },
    );
}

function addGet(deployments: Command, io: CliIo) {
  deployments
    .command("get")
    .description("Show a deployment: status, source, error, URLs and the actions it allows")
    .argument("<deployment>", "deployment id")
    .addHelpText("after", examples("slipway deployments get dep_123"))
    .action(async (deploymentId: string, _options, command: Command) => {
      const { output, api: connect } = commandContext(io, command);
      const api = await connect();
      const { data } = await api.call((sdk) => sdk.deployments.getDeployment({ deploymentId }));
      output.result(data, (deployment) => describeDeployment(deployment, api.url));
    });
}

function addLifecycleCalls(deployments: Command, io: CliIo) {
  for (const [name, summary, verb, run] of lifecycle) {
    deployments
      .command(name)
      .description(summary)
      .argument("<deployment>", "deployment id")
      .addHelpText("after", examples(`slipway deployments ${name} dep_123`))
      .action(async (deploymentId: string, _options, command: Command) => {
        const { output, api } = commandContext(io, command);
        await run(await api(), deploymentId);
        output.result(
          { deploymentId, action: name, accepted: true },
          () =>
            `${verb} ${deploymentId}: accepted (slipway deployments get ${deploymentId} shows the result).`,
        );
      });
  }
}
