import {
  InvalidSettingError,
  MissingPrerequisiteError,
  ToolBuildFailedError,
} from "@slipway/shared/tool-errors";
import { ComponentCrashedError, ReadinessTimeoutError } from "../errors.js";

/** Runs a CLI entry point: expected failures print their message only, others their stack. */
export function runCli(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      if (error instanceof MissingPrerequisiteError) {
        console.error(`\nMissing prerequisite: ${error.message}`);
      } else if (
        error instanceof ComponentCrashedError ||
        error instanceof ToolBuildFailedError ||
        error instanceof ReadinessTimeoutError ||
        error instanceof InvalidSettingError
      ) {
        console.error(`\n${error.message}`);
      } else {
        console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      }
      process.exit(1);
    },
  );
}

export const log = (line: string) => console.log(line);
