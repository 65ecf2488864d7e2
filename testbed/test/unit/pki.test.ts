import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { firstServiceIp, makeCertPlan, makeExtensionFile } from "../../src/pki/cert-plan.js";
import { makePki } from "../../src/pki/make-pki.js";

const run = promisify(execFile);
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe("certificates", () => {
  it("the serving certificate is valid for loopback and the in-cluster service address", () => {
    expect(firstServiceIp("10.96.0.0/16")).toBe("10.96.0.1");
    const apiserver = makeCertPlan("10.96.0.0/16").find((c) => c.name === "apiserver")!;
    const ext = makeExtensionFile(apiserver);
    expect(ext).toContain("IP:127.0.0.1");
    expect(ext).toContain("IP:10.96.0.1");
    expect(ext).toContain("DNS:kubernetes.default.svc");
    expect(ext).toContain("extendedKeyUsage=serverAuth");
  });

  it("openssl makes a CA-signed set whose admin is in system:masters", async () => {
    const dir = await mkdtemp(join(tmpdir(), "slipway-pki-test-"));
    dirs.push(dir);
    const pki = await makePki(join(dir, "pki"), "10.96.0.0/16");
    for (const name of ["apiserver", "admin", "controller-manager", "scheduler", "kwok"]) {
      const { stdout } = await run("openssl", [
        "verify",
        "-CAfile",
        pki.caCert,
        pki.cert(name).cert,
      ]);
      expect(stdout).toContain(": OK");
    }
    const { stdout: subject } = await run("openssl", [
      "x509",
      "-in",
      pki.cert("admin").cert,
      "-noout",
      "-subject",
    ]);
    expect(subject).toMatch(/O\s*=\s*system:masters/);
    const { stdout: pub } = await run("openssl", [
      "pkey",
      "-pubin",
      "-in",
      pki.serviceAccountPub,
      "-noout",
      "-text",
    ]);
    expect(pub).toMatch(/prime256v1|P-256/);
  });
});
