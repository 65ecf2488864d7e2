/** A tool the testbed needs is not installed, or we lack a privilege. The message names the fix. */
export class MissingPrerequisiteError extends Error {
  override name = "MissingPrerequisiteError";
}

/** `go build` (or `go mod download`) failed; carries the tail of its output. */
export class BuildFailedError extends Error {
  override name = "BuildFailedError";
  constructor(
    message: string,
    readonly logTail: string,
  ) {
    super(`${message}\n--- last lines of the build log ---\n${logTail}`);
  }
}

/** A cluster component exited while we were starting it or waiting on it. */
export class ComponentCrashedError extends Error {
  override name = "ComponentCrashedError";
  constructor(
    readonly component: string,
    readonly exitDescription: string,
    readonly logFile: string,
    readonly logTail: string,
  ) {
    super(
      `${component} ${exitDescription} (log: ${logFile})\n--- last lines of ${component}'s log ---\n${logTail}`,
    );
  }
}

/** Something did not become ready within its deadline; the message says what we waited for. */
export class ReadinessTimeoutError extends Error {
  override name = "ReadinessTimeoutError";
}

/** A request to the apiserver returned an unexpected status. */
export class KubeApiError extends Error {
  override name = "KubeApiError";
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${method} ${path} -> HTTP ${status}: ${body.slice(0, 2000)}`);
  }
}
