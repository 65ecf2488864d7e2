import type { Command } from "commander";
import type { EnvironmentRef, SlipwayApi } from "../api/slipway-api.js";
import { usageError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { readSecret } from "../input/read-input.js";
import { formatTime, renderTable } from "../output/table.js";
import { commandContext, examples, readTarget, withTarget } from "./command-context.js";

interface Assignment {
  key: string;
  /** Absent: the value comes from stdin. */
  value?: string;
}

/** Pure: `KEY=VALUE` and bare `KEY` arguments; at most one bare key (its value is stdin). */
export function parseAssignments(args: readonly string[]): Assignment[] {
  const assignments = args.map((arg): Assignment => {
    const equals = arg.indexOf("=");
    return equals === -1
      ? { key: arg }
      : { key: arg.slice(0, equals), value: arg.slice(equals + 1) };
  });
  for (const { key } of assignments) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      throw usageError(
        `${JSON.stringify(key)} is not a variable name (letters, digits and _, not starting with a digit).`,
      );
    }
  }
  if (assignments.filter((assignment) => assignment.value === undefined).length > 1) {
    throw usageError(
      "Only one variable can take its value from stdin; give the others as KEY=VALUE.",
    );
  }
  return assignments;
}

async function listAll(api: SlipwayApi, target: EnvironmentRef) {
  const variables = [];
  let cursor: string | undefined;
  do {
    const page = await api.call((sdk) =>
      sdk.environments.listEnvironmentVariables({ ...target, ...(cursor ? { cursor } : {}) }),
    );
    variables.push(...page.data);
    cursor = page.pagination?.hasMore ? page.pagination.cursor : undefined;
  } while (cursor);
  return variables;
}

export function envCommand(program: Command, io: CliIo) {
  const env = program
    .command("env")
    .description(
      "An environment's variables (write-only unless --recoverable; values never printed for write-only ones)",
    );

  addEnvList(env, io);
  addEnvSet(env, io);
  addEnvRm(env, io);
}

function addEnvList(env: Command, io: CliIo) {
  withTarget(
    env.command("list").description("List variables; only recoverable ones show their value"),
  )
    .addHelpText(
      "after",
      examples(
        "slipway env list -p storefront -a web",
        "slipway env list -p storefront -a web -e preview --output=json",
      ),
    )
    .action(async (options, command: Command) => {
      const { output, api } = commandContext(io, command);
      const variables = await listAll(await api(), readTarget(options));
      output.result({ variables }, ({ variables: rows }) =>
        renderTable(
          ["KEY", "KIND", "VALUE", "CREATED"],
          rows.map((row) => [
            row.key,
            row.kind,
            row.kind === "writeonly" ? "(write-only)" : (row.value ?? ""),
            formatTime(row.createdAt),
          ]),
        ),
      );
    });
}

function addEnvSet(env: Command, io: CliIo) {
  withTarget(
    env
      .command("set")
      .description(
        "Set variables from KEY=VALUE, or one KEY whose value is read from stdin (or typed, hidden)",
      )
      .argument("<assignments...>", "KEY=VALUE, or KEY alone to read its value from stdin"),
  )
    .option("--recoverable", "store it so it can be read back (default: write-only)")
    .option("--description <text>", "what the variable is for")
    .addHelpText(
      "after",
      `${examples(
        "slipway env set -p storefront -a web LOG_LEVEL=debug PORT=8080 --recoverable",
        'printf %s "$DATABASE_URL" | slipway env set -p storefront -a web DATABASE_URL',
        "slipway env set -p storefront -a web STRIPE_KEY        # asks for the value, hidden",
      )}\nA value given as KEY=VALUE is visible in your shell history and to \`ps\`; pass secrets on stdin.\n`,
    )
    .action(async (args: string[], options, command: Command) => {
      const { output, api: connect } = commandContext(io, command);
      const target = readTarget(options);
      const assignments = parseAssignments(args);
      const api = await connect();
      const kind = options.recoverable ? "recoverable" : "writeonly";
      if (kind === "recoverable") {
        const writeOnly = new Set(
          (await listAll(api, target))
            .filter((row) => row.kind === "writeonly")
            .map((row) => row.key),
        );
        const clash = assignments.find((assignment) => writeOnly.has(assignment.key));
        if (clash) {
          throw usageError(
            `${clash.key} is write-only and stays so; remove it first (slipway env rm ${clash.key}) to store it recoverable.`,
          );
        }
      }
      const variables: { key: string; value: string; kind: typeof kind; description?: string }[] =
        [];
      for (const assignment of assignments) {
        const value = assignment.value ?? (await readSecret(io, `Value of ${assignment.key}: `));
        variables.push({
          key: assignment.key,
          value,
          kind,
          ...(options.description ? { description: options.description } : {}),
        });
      }
      await api.call((sdk) => sdk.environments.setEnvironmentVariables({ ...target, variables }));
      const keys = variables.map((variable) => variable.key);
      output.result(
        { set: keys, kind, ...target },
        () =>
          `Set ${keys.join(", ")} (${kind}) in ${target.environment}; the next deployment uses them.`,
      );
    });
}

function addEnvRm(env: Command, io: CliIo) {
  withTarget(
    env.command("rm").description("Remove variables").argument("<keys...>", "variable names"),
  )
    .addHelpText("after", examples("slipway env rm -p storefront -a web LOG_LEVEL PORT"))
    .action(async (keys: string[], options, command: Command) => {
      const { output, api } = commandContext(io, command);
      const target = readTarget(options);
      parseAssignments(keys.map((key) => `${key}=`));
      await (await api()).call((sdk) =>
        sdk.environments.removeEnvironmentVariables({ ...target, variables: keys }),
      );
      output.result(
        { removed: keys, ...target },
        () => `Removed ${keys.join(", ")} from ${target.environment}.`,
      );
    });
}
