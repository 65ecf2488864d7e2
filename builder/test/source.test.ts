import { execFile } from "node:child_process";
import { readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { promisify } from "node:util";
import { type BuildError, type BuildEvent, type BuildSource, isBuildError } from "@slipway/shared";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuild } from "../src/image-build/run-build.js";
import { makeApp, stack, testDeps, uniqueRepository } from "./harness/context.js";
import { downloadImage } from "./harness/registry-client.js";

const run = promisify(execFile);
const TOKEN = "token ghs_InstallationToken1234567890";
let server: Server;
let baseUrl = "";
let tarball = "";
let workDir = "";
const seenAuthorization: Array<string | undefined> = [];

beforeAll(async () => {
  // A GitHub-style tarball: the repository inside one `owner-repo-sha/` folder.
  workDir = await makeApp({
    "acme-api-1a2b3c/Dockerfile": `FROM ${stack().baseImage}\nCOPY app.txt /app.txt\n`,
    "acme-api-1a2b3c/app.txt": "from a tarball\n",
  });
  tarball = join(workDir, "source.tar.gz");
  await run("tar", ["-czf", tarball, "-C", workDir, "acme-api-1a2b3c"]);
  const body = await readFile(tarball);
  server = createServer((request, response) => {
    seenAuthorization.push(request.headers.authorization);
    if (request.headers.authorization !== TOKEN) {
      response.writeHead(401).end("bad credentials");
      return;
    }
    response.writeHead(200, { "content-type": "application/gzip" }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  baseUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await rm(workDir, { recursive: true, force: true });
});

async function build(source: BuildSource, events: BuildEvent[] = []) {
  return runBuild(
    {
      deploymentId: "dep_src",
      source,
      rootDirectory: ".",
      env: {},
      imageRepository: uniqueRepository("src"),
    },
    testDeps(),
    { onEvent: (event) => events.push(event) },
  );
}

describe("sources", () => {
  it("builds from a tarball file", async () => {
    const result = await build({ kind: "tarball", path: tarball });
    const image = await downloadImage(result.imageRef);
    expect(Buffer.concat(image.layers).toString("latin1")).toContain("from a tarball");
  });

  it("downloads a tarball URL with the installation token, which stays out of events and the image", async () => {
    const events: BuildEvent[] = [];
    const result = await build(
      { kind: "tarball", url: `${baseUrl}/repos/acme/api/tarball/1a2b3c`, authorization: TOKEN },
      events,
    );
    expect(seenAuthorization).toContain(TOKEN);
    const image = await downloadImage(result.imageRef);
    const everything = [
      Buffer.concat(image.layers).toString("latin1"),
      image.config,
      JSON.stringify(events),
    ].join("\n");
    expect(everything).toContain("from a tarball");
    expect(everything).not.toContain("ghs_InstallationToken1234567890");
  });

  it("refuses a tarball larger than the limit", async () => {
    const error = (await runBuild(
      {
        deploymentId: "dep_big",
        source: {
          kind: "tarball",
          url: `${baseUrl}/repos/acme/api/tarball/1a2b3c`,
          authorization: TOKEN,
        },
        rootDirectory: ".",
        env: {},
        imageRepository: uniqueRepository("src"),
      },
      testDeps({ maxSourceBytes: 64 }),
    ).catch((e: unknown) => e)) as BuildError;
    expect(error.code).toBe("source_unavailable");
    expect(error.message).toContain("larger than 64 bytes");
  });

  it("maps a refused download to source_unavailable without echoing the token", async () => {
    const error = (await build({
      kind: "tarball",
      url: `${baseUrl}/repos/acme/api/tarball/1a2b3c?access=signed`,
      authorization: "token ghs_WrongToken000000000000",
    }).catch((e: unknown) => e)) as BuildError;
    expect(isBuildError(error)).toBe(true);
    expect(error.code).toBe("source_unavailable");
    expect(error.message).toContain("HTTP 401");
    expect(error.message).not.toContain("ghs_WrongToken");
    expect(error.message).not.toContain("access=signed");
  });
});
