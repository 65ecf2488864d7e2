import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import type { CliIo } from "./cli-io.js";
import { bashCompletionScript, completionTable } from "./completion/completion-script.js";
import { makeProgram, requestedFormat } from "./program.js";

describe("requestedFormat", () => {
  it.each([
    [["projects", "list", "--output=json"], "json"],
    [["-o", "json", "projects", "list"], "json"],
    [["projects", "list", "--output", "json"], "json"],
    [["projects", "list"], "text"],
    [["env", "set", "--", "--output=json"], "text"],
  ])("%j → %s", (argv, format) => {
    expect(requestedFormat(argv)).toBe(format);
  });
});

describe("completion", () => {
  const program = makeProgram({} as CliIo, () => {});
  const table = completionTable(program);

  it("knows every command, subcommand and option", () => {
    expect(table.get("")?.subcommands).toEqual(
      expect.arrayContaining(["deploy", "deployments", "env", "logs", "completion"]),
    );
    expect(table.get("deployments")?.subcommands).toEqual([
      "list",
      "get",
      "promote",
      "rollback",
      "cancel",
      "approve",
      "start",
      "stop",
    ]);
    expect(table.get("deploy")?.options).toEqual(
      expect.arrayContaining(["--image", "--project", "-p", "--output", "--help"]),
    );
  });

  it("completes in a real bash", () => {
    const script = `${bashCompletionScript(table)}
COMP_WORDS=(slipway deployments pro); COMP_CWORD=2; _slipway; echo "\${COMPREPLY[*]}"
COMP_WORDS=(slipway -o json env set --re); COMP_CWORD=5; _slipway; echo "\${COMPREPLY[*]}"`;
    expect(execFileSync("bash", ["-c", script], { encoding: "utf8" })).toBe(
      "promote\n--recoverable\n",
    );
  });
});
