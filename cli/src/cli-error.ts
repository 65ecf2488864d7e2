/**
 * What `slipway` exits with. Scripts branch on these, so they never change meaning:
 * 0 done, 1 anything unexpected, 2 usage, 3 the API refused or could not be reached,
 * 4 the build failed, 5 the rollout failed (or the deployment ended without running).
 */
export const exitCodes = {
  ok: 0,
  unexpected: 1,
  usage: 2,
  api: 3,
  buildFailed: 4,
  rolloutFailed: 5,
} as const;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** What the API said when it refused a call: its envelope's fields, as the user needs them. */
export interface ApiErrorDetails {
  status?: number;
  title?: string;
  detail: string;
  requestId?: string;
  /** Field-level problems of a 400 (`error.errors`). */
  problems?: string[];
}

/** The one error type commands throw; `main` prints it and exits with its code. */
export class CliError extends Error {
  readonly exitCode: ExitCode;
  readonly api: ApiErrorDetails | undefined;

  constructor(exitCode: ExitCode, message: string, api?: ApiErrorDetails) {
    super(message);
    this.name = "CliError";
    this.exitCode = exitCode;
    this.api = api;
  }
}

export const usageError = (message: string) => new CliError(exitCodes.usage, message);

export const apiError = (details: ApiErrorDetails) =>
  new CliError(exitCodes.api, details.detail, details);
