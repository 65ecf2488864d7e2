import * as errors from "@unkey/api/models/errors";
import { expect } from "vitest";

/** The 412 a lifecycle call answers when its precondition fails: message and request id. */
export async function expectPreconditionFailed(call: Promise<unknown>, detail: RegExp) {
  const error = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(errors.PreconditionFailedErrorResponse);
  const failure = error as errors.PreconditionFailedErrorResponse;
  expect(failure.error.status).toBe(412);
  expect(failure.error.detail).toMatch(detail);
  expect(failure.meta.requestId).toMatch(/^req_/);
}
