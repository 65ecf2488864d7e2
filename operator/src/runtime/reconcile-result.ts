/** A failure retrying cannot fix (e.g. the apiserver rejects what the spec asks for). */
export class TerminalError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TerminalError";
  }
}

export interface ReconcileResult {
  /** Look again after this long even if nothing changes (e.g. while rolling out). */
  requeueAfterMs?: number;
}

export type Reconcile = (key: string) => Promise<ReconcileResult>;
