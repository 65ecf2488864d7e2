import { LoggedFailureError } from "@slipway/shared/tool-errors";

/** The testbed's own errors; a missing tool or a failed Go build is a shared tool error
 * (`@slipway/shared/tool-errors`). */

/** A cluster component exited while we were starting it or waiting on it. */
export class ComponentCrashedError extends LoggedFailureError {
  override name = "ComponentCrashedError";
  constructor(
    readonly component: string,
    readonly exitDescription: string,
    readonly logFile: string,
    logTail: string,
  ) {
    super(`${component} ${exitDescription} (log: ${logFile})`, logTail, `${component}'s log`);
  }
}

/** Something did not become ready within its deadline; the message says what we waited for. */
export class ReadinessTimeoutError extends Error {
  override name = "ReadinessTimeoutError";
}
