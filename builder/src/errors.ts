/** Errors of the builder's own machinery (tool builds, daemons). Build failures are
 * `BuildError`s from @slipway/shared, with stable codes. */

/** A tool the builder needs is not installed. The message names the fix. */
export class MissingPrerequisiteError extends Error {
  override name = "MissingPrerequisiteError";
}

/** `go build` of BuildKit failed; carries the tail of its output. */
export class ToolBuildFailedError extends Error {
  override name = "ToolBuildFailedError";
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- last lines of the build log ---\n${logTail}`);
  }
}

/** buildkitd or the registry exited or did not become ready; carries its log's tail. */
export class DaemonStartError extends Error {
  override name = "DaemonStartError";
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- last lines of its log ---\n${logTail}`);
  }
}
