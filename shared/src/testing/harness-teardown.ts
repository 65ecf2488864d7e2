import { afterAll } from "vitest";

/** Releases one thing a test harness started: a server, a database, a child process. */
export type Closer = () => unknown;

const closers: Closer[] = [];

// vitest (4.1) silently drops an `afterAll` registered while a hook is running, and test files
// call harness functions from their `beforeAll`. So this module registers the one `afterAll` at
// import time, on the importing file's root suite (each file imports it afresh: vitest isolates
// files), and harness functions hand their closers to `onHarnessTeardown` instead.
afterAll(runClosers);

/**
 * Runs `closer` after the last test of the current file, in reverse order of registration
 * (what was started last is closed first). Every closer runs even when an earlier one throws;
 * the first error then fails the file, so a check inside a closer (e.g. "no secret in the log")
 * is a real assertion.
 */
export function onHarnessTeardown(closer: Closer): void {
  closers.push(closer);
}

async function runClosers(): Promise<void> {
  const errors: unknown[] = [];
  for (let closer = closers.pop(); closer; closer = closers.pop()) {
    try {
      await closer();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, "several harness closers failed");
}
