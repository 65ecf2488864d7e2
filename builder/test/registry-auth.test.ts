import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type BuildError, type BuildRequest, isBuildError } from "@slipway/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/image-build/run-build.js";
import { type LocalRegistry, startRegistry } from "../src/registry/start-registry.js";
import { makeApp, stack, testDeps } from "./harness/context.js";

// A throwaway test credential; the hash is bcrypt of the password, as `htpasswd -B` writes it.
const USER = "slipway";
const PASSWORD = "slipway-test-password";
const HTPASSWD = `${USER}:$2b$10$LVy7/ZHRLT63zqYBZU.cI.qdoYBNnetSQlnm10dC6PaPpo8KGT2ba\n`;

let registry: LocalRegistry;
let workDir = "";
let app = "";

beforeAll(async () => {
  workDir = await mkdtemp(join(tmpdir(), "slipway-auth-"));
  registry = await startRegistry(join(workDir, "registry"), { htpasswd: HTPASSWD }).catch(
    async (error) => {
      throw error;
    },
  );
  app = await makeApp({
    Dockerfile: `FROM ${stack().baseImage}\nRUN echo private > /private.txt\n`,
  });
});

afterAll(async () => {
  await registry?.stop();
  await rm(workDir, { recursive: true, force: true });
  await rm(app, { recursive: true, force: true });
});

const request = (): BuildRequest => ({
  deploymentId: "dep_auth",
  source: { kind: "directory", path: app },
  rootDirectory: ".",
  env: {},
  imageRepository: `${registry.host}/slipway/private`,
});

describe("a registry that needs credentials", () => {
  it("is pushed to with the docker config of SLIPWAY_REGISTRY_DOCKER_CONFIG (a mounted dockerconfigjson Secret)", async () => {
    const dockerConfigDir = join(workDir, "docker-config");
    await mkdir(dockerConfigDir);
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString("base64");
    await writeFile(
      join(dockerConfigDir, "config.json"),
      JSON.stringify({ auths: { [registry.host]: { auth } } }),
      {
        mode: 0o600,
      },
    );
    const result = await runBuild(request(), testDeps({ dockerConfigDir }));
    const manifest = await fetch(`${registry.url}/v2/slipway/private/manifests/${result.digest}`, {
      headers: {
        authorization: `Basic ${auth}`,
        accept:
          "application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json",
      },
    });
    expect(manifest.status).toBe(200);
  });

  it("without credentials fails with registry_push_failed", async () => {
    const error = await runBuild(
      request(),
      testDeps({ dockerConfigDir: join(workDir, "empty-config") }),
    ).then(
      () => undefined,
      (e: unknown) => e as BuildError,
    );
    expect(isBuildError(error)).toBe(true);
    expect(error?.code).toBe("registry_push_failed");
    expect(error?.message).toMatch(/401|unauthorized|authorization/i);
  });
});
