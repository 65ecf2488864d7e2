import { LoggedFailureError } from "@slipway/shared/tool-errors";

/** Errors of the builder's own machinery (tool builds, daemons) are the shared tool errors
 * (`@slipway/shared/tool-errors`) and this one. Build failures are `BuildError`s from
 * @slipway/shared, with stable codes. */

/** buildkitd or the registry exited or did not become ready; carries its log's tail. */
export class DaemonStartError extends LoggedFailureError {
  override name = "DaemonStartError";
}
