import { type Command, Option } from "commander";
import { usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { formatTime, renderTable } from "../output/table.js";
import { commandContext, examples, positiveInteger, slugify } from "./command-context.js";

const requireProject = (project: string | undefined) => {
  if (!project) throw usageError("Say which project: --project <project> (id or slug).");
  return project;
};

export function appsCommand(program: Command, io: CliIo) {
  const apps = program.command("apps").description("Create and list a project's apps");
  addAppsCreate(apps, io);
  addAppsList(apps, io);
}

function addAppsCreate(apps: Command, io: CliIo) {
  apps
    .command("create")
    .description("Create an app with its production and preview environments")
    .argument("<name>", "the app's name")
    .option("-p, --project <project>", "project id or slug")
    .option("--slug <slug>", "its slug; from the name by default")
    .option("--repository <owner/name>", "the GitHub repository pushes deploy from")
    .option("--branch <branch>", "the repository's production branch")
    .addHelpText(
      "after",
      examples(
        "slipway apps create api --project storefront",
        "slipway apps create web -p storefront --repository acme/web --branch main",
      ),
    )
    .action(
      async (
        name: string,
        options: { project?: string; slug?: string; repository?: string; branch?: string },
        command: Command,
      ) => {
        const { output, api } = commandContext(io, command);
        const project = requireProject(options.project);
        if (options.branch && !options.repository) {
          throw usageError("--branch needs --repository.");
        }
        const slug = options.slug ?? slugify(name);
        const git = options.repository
          ? {
              repository: options.repository,
              ...(options.branch ? { defaultBranch: options.branch } : {}),
            }
          : undefined;
        const { data } = await (await api()).call((sdk) =>
          sdk.apps.createApp({ project, name, slug, ...(git ? { git } : {}) }),
        );
        output.result(
          { appId: data.appId, project, name, slug },
          (app) =>
            `Created app ${app.slug} (${app.appId}) with environments production and preview`,
        );
      },
    );
}

function addAppsList(apps: Command, io: CliIo) {
  apps
    .command("list")
    .description("List a project's apps")
    .option("-p, --project <project>", "project id or slug")
    .addOption(new Option("--limit <n>", "at most this many").argParser(positiveInteger("--limit")))
    .option("--cursor <cursor>", "continue after an earlier page")
    .addHelpText("after", examples("slipway apps list --project storefront"))
    .action(
      async (options: { project?: string; limit?: number; cursor?: string }, command: Command) => {
        const { output, api } = commandContext(io, command);
        const project = requireProject(options.project);
        const page = await (await api()).call((sdk) =>
          sdk.apps.listApps({
            project,
            ...(options.limit ? { limit: options.limit } : {}),
            ...(options.cursor ? { cursor: options.cursor } : {}),
          }),
        );
        const { data, pagination } = page.result;
        output.result({ apps: data, pagination }, ({ apps: rows }) =>
          renderTable(
            ["ID", "SLUG", "NAME", "REPOSITORY", "CURRENT DEPLOYMENT", "CREATED"],
            rows.map((app) => [
              app.id,
              app.slug,
              app.name,
              app.git?.repository ?? "",
              app.currentDeploymentId ?? "",
              formatTime(app.createdAt),
            ]),
          ),
        );
        if (pagination?.hasMore) output.note(`More: --cursor ${pagination.cursor}`);
      },
    );
}
