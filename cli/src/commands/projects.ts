import { type Command, Option } from "commander";
import type { CliIo } from "../cli-io.js";
import { formatTime, renderTable } from "../output/table.js";
import { commandContext, examples, positiveInteger, slugify } from "./command-context.js";

export function projectsCommand(program: Command, io: CliIo) {
  const projects = program.command("projects").description("Create and list projects");
  projects
    .command("create")
    .description("Create a project")
    .argument("<name>", "the project's name")
    .option("--slug <slug>", "its slug (lowercase letters, digits, '-'); from the name by default")
    .addHelpText(
      "after",
      examples(
        "slipway projects create Storefront",
        "slipway projects create 'Internal tools' --slug tools",
      ),
    )
    .action(async (name: string, options: { slug?: string }, command: Command) => {
      const { output, api } = commandContext(io, command);
      const slug = options.slug ?? slugify(name);
      const { data } = await (await api()).call((sdk) =>
        sdk.projects.createProject({ name, slug }),
      );
      output.result(
        { id: data.id, name, slug },
        (project) => `Created project ${project.slug} (${project.id})`,
      );
    });
  projects
    .command("list")
    .description("List the workspace's projects")
    .addOption(new Option("--limit <n>", "at most this many").argParser(positiveInteger("--limit")))
    .option("--cursor <cursor>", "continue after an earlier page")
    .addHelpText("after", examples("slipway projects list", "slipway projects list --output=json"))
    .action(async (options: { limit?: number; cursor?: string }, command: Command) => {
      const { output, api } = commandContext(io, command);
      const page = await (await api()).call((sdk) =>
        sdk.projects.listProjects({
          ...(options.limit ? { limit: options.limit } : {}),
          ...(options.cursor ? { cursor: options.cursor } : {}),
        }),
      );
      const { data, pagination } = page.result;
      output.result({ projects: data, pagination }, ({ projects }) =>
        renderTable(
          ["ID", "SLUG", "NAME", "CREATED"],
          projects.map((project) => [
            project.id,
            project.slug,
            project.name,
            formatTime(project.createdAt),
          ]),
        ),
      );
      if (pagination?.hasMore) output.note(`More: --cursor ${pagination.cursor}`);
    });
}
