/**
 * The errors of the machinery that runs next to a service on a developer's or CI machine (the
 * testbed's cluster, the builder's BuildKit and registry): missing tools, failed tool builds,
 * processes that died. Each carries what a person needs to fix it. Pure: no I/O.
 */

/** A tool that is needed is not installed, or a privilege is missing. The message names the fix. */
export class MissingPrerequisiteError extends Error {
  override name = "MissingPrerequisiteError";
}

/** A setting (an environment variable) has a value that cannot work; the message names it. */
export class InvalidSettingError extends Error {
  override name = "InvalidSettingError";
}

/** Something failed that wrote a log; the message ends with the log's last lines. */
export class LoggedFailureError extends Error {
  override name = "LoggedFailureError";
  constructor(
    message: string,
    readonly logTail: string,
    logName = "its log",
  ) {
    super(`${message}\n--- last lines of ${logName} ---\n${logTail}`);
  }
}

/** `go build` (or `go mod download`) of a pinned tool failed; carries the tail of its output. */
export class ToolBuildFailedError extends LoggedFailureError {
  override name = "ToolBuildFailedError";
  constructor(message: string, logTail: string) {
    super(message, logTail, "the build log");
  }
}
