import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { logOptions, pathOf } from "./log-options.js";

function logged(write: (log: pino.Logger) => void): string {
  let text = "";
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  write(pino(logOptions("info"), stream));
  return text;
}

describe("the control plane's log rules", () => {
  it("log a request's path without its query string or credentials", () => {
    expect(pathOf("/deployments/dep_1/logs?token=abc")).toBe("/deployments/dep_1/logs");
    const text = logged((log) =>
      log.info(
        {
          req: {
            method: "GET",
            url: "/github/setup?installation_id=1&state=SECRETSTATE&code=SECRETCODE",
            headers: { authorization: "Bearer SECRETKEY", cookie: "a=SECRETCOOKIE" },
          },
        },
        "incoming request",
      ),
    );
    expect(text).toContain('"url":"/github/setup"');
    for (const secret of ["SECRETSTATE", "SECRETCODE", "SECRETKEY", "SECRETCOOKIE"]) {
      expect(text).not.toContain(secret);
    }
  });

  it("log a failed statement without its parameters, also in its cause", () => {
    const failure = Object.assign(
      new Error(
        'Failed query: insert into github_deliveries values ($1)\nparams: {"secret":"PAYLOADSECRET"}',
      ),
      {
        params: ['{"secret":"PAYLOADSECRET"}'],
        query: "insert into github_deliveries values ($1)",
      },
    );
    const wrapped = new Error("could not store the delivery", { cause: failure });
    const text = logged((log) => log.error({ err: wrapped }, "request failed"));
    expect(text).toContain("Failed query: insert into github_deliveries");
    expect(text).not.toContain("PAYLOADSECRET");
  });
});
