import type { Environment } from "@unkey/api/models/components";
import { describe, expect, it } from "vitest";
import { fieldErrorsByName, formFromEnvironment, settingsUpdate } from "./settings-form";

const environment: Environment = {
  id: "env_1",
  slug: "production",
  description: "",
  kind: "production",
  deleteProtection: false,
  createdAt: 1,
  runtime: {
    port: 8080,
    vCpus: 0.25,
    memoryMib: 256,
    storageMib: 0,
    command: [],
    shutdownSignal: "SIGTERM",
    upstreamProtocol: "http1",
  },
  build: { rootDirectory: ".", watchPaths: ["src/**"], autoDeploy: true },
  regions: [{ name: "local", replicas: { min: 1, max: 1 } }],
};

describe("settingsUpdate", () => {
  it("sends only what changed", () => {
    const before = formFromEnvironment(environment);
    const form = { ...before, memoryMib: "512", watchPaths: "src/**\n\n docs/** \n" };
    expect(settingsUpdate(before, form)).toEqual({
      update: { memoryMib: 512, watchPaths: ["src/**", "docs/**"] },
      errors: new Map(),
    });
    expect(settingsUpdate(before, before).update).toEqual({});
  });

  it("clears the Dockerfile and the health check with null, and names a field that is not a number", () => {
    const before = { ...formFromEnvironment(environment), dockerfile: "Dockerfile" };
    const form = { ...before, dockerfile: " ", healthcheckEnabled: false, vCpus: "two" };
    const { update, errors } = settingsUpdate({ ...before, healthcheckEnabled: true }, form);
    expect(update).toMatchObject({ dockerfile: null, healthcheck: null });
    expect(errors.get("vCpus")).toBe("must be a number");
  });

  it("sends the regions with their instance counts when one changes", () => {
    const before = formFromEnvironment(environment);
    const form = { ...before, regions: [{ name: "local", min: "2", max: "3" }] };
    expect(settingsUpdate(before, form).update).toEqual({
      regions: [{ name: "local", replicas: { min: 2, max: 3 } }],
    });
  });
});

describe("fieldErrorsByName", () => {
  it("keys the API's locations by field, watch paths as one field", () => {
    const errors = fieldErrorsByName([
      { location: "body.memoryMib", message: "must be a multiple of 256" },
      { location: "body.watchPaths.1", message: "unbalanced brace" },
      {
        location: "body.regions.0.name",
        message: "unknown region 'mars'",
        fix: "Use one of: local.",
      },
    ]);
    expect(Object.fromEntries(errors)).toEqual({
      memoryMib: "must be a multiple of 256",
      watchPaths: "unbalanced brace",
      "regions.0.name": "unknown region 'mars'. Use one of: local.",
    });
  });
});
