/**
 * Maintainer command: rewrites testbed/go/{kubernetes,etcd,kwok}/go.mod from the pinned
 * versions in config.ts and the releases' own go.mod files, then `go mod tidy` fills go.sum.
 * Run after bumping a version; commit the result. Builds never run this.
 */
import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { makeGoEnv } from "@slipway/shared/go-build";
import {
  ETCD_VERSION,
  KUBERNETES_COMPONENTS,
  KUBERNETES_VERSION,
  KWOK_VERSION,
  WRAPPERS_DIR,
} from "../config.js";
import {
  makeKubernetesWrapperGoMod,
  makeToolWrapperGoMod,
  parseGoDirective,
} from "../go-binaries/wrapper-gomod.js";
import { findGo } from "../prerequisites.js";
import { log, runCli } from "./run-cli.js";

const run = promisify(execFile);

runCli(async () => {
  const go = await findGo();
  const env = { ...makeGoEnv(process.env, 2), GOFLAGS: "-mod=mod -buildvcs=false" };
  const releaseGoMod = async (module: string, version: string) => {
    const { stdout } = await run(go, ["mod", "download", "-json", `${module}@${version}`], {
      env,
      cwd: WRAPPERS_DIR,
    });
    return readFile((JSON.parse(stdout) as { GoMod: string }).GoMod, "utf8");
  };
  const write = async (name: string, goMod: string) => {
    const dir = join(WRAPPERS_DIR, name);
    await writeFile(join(dir, "go.mod"), goMod);
    await writeFile(join(dir, "go.sum"), "");
    log(`go mod tidy in testbed/go/${name} ...`);
    await run(go, ["mod", "tidy"], { env, cwd: dir, maxBuffer: 64 * 1024 * 1024 });
  };

  await write(
    "kubernetes",
    makeKubernetesWrapperGoMod(
      KUBERNETES_VERSION,
      await releaseGoMod("k8s.io/kubernetes", KUBERNETES_VERSION),
      KUBERNETES_COMPONENTS.map((c) => `k8s.io/kubernetes/cmd/${c}`),
    ),
  );
  await write(
    "etcd",
    makeToolWrapperGoMod({
      module: "slipway.local/testbed/etcd",
      goDirective: parseGoDirective(await releaseGoMod("go.etcd.io/etcd/server/v3", ETCD_VERSION)),
      tools: ["go.etcd.io/etcd/server/v3"],
      require: { path: "go.etcd.io/etcd/server/v3", version: ETCD_VERSION },
    }),
  );
  await write(
    "kwok",
    makeToolWrapperGoMod({
      module: "slipway.local/testbed/kwok",
      goDirective: parseGoDirective(await releaseGoMod("sigs.k8s.io/kwok", KWOK_VERSION)),
      tools: ["sigs.k8s.io/kwok/cmd/kwok"],
      require: { path: "sigs.k8s.io/kwok", version: KWOK_VERSION },
    }),
  );
  log("Wrapper modules regenerated; review and commit testbed/go/.");
});
