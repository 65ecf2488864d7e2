import { resolve } from "node:path";
import { type Command, Option } from "commander";
import type { EnvironmentRef, SlipwayApi } from "../api/slipway-api.js";
import { CliError } from "../cli-error.js";
import type { CliIo } from "../cli-io.js";
import { followDeployment } from "../deploy/follow-deployment.js";
import { makeProgress, type Progress } from "../output/progress.js";
import { formatBytes } from "../output/units.js";
import { collectSource } from "../source/collect-source.js";
import { defaultMaxArchiveBytes, packSource } from "../source/pack-source.js";
import {
  commandContext,
  examples,
  positiveInteger,
  readTarget,
  withTarget,
} from "./command-context.js";

interface DeployOptions {
  project?: string;
  app?: string;
  environment?: string;
  image?: string;
  wait: boolean;
  maxSize: number;
  timeout: number;
  pollInterval: number;
}

/** Packs `directory` and uploads it: the deployment's id. */
async function uploadSource(
  api: SlipwayApi,
  directory: string,
  target: EnvironmentRef,
  maxBytes: number,
  progress: Progress,
) {
  progress.step(`Packing ${directory}`);
  const source = await collectSource(directory);
  const archive = await packSource(directory, source.entries, maxBytes);
  const files = source.entries.filter((entry) => entry.kind === "file").length;
  progress.step(`Uploading ${files} files, ${formatBytes(archive.length)}`);
  const { deploymentId } = await api.createDeploymentFromSource(target, archive);
  return { deploymentId, files, archiveBytes: archive.length };
}

export function deployCommand(program: Command, io: CliIo) {
  withTarget(
    program
      .command("deploy")
      .description(
        "Build and deploy a directory (or an image), follow the build and rollout, print the URL",
      )
      .argument("[dir]", "the directory to deploy (its Dockerfile builds it)", "."),
  )
    .option("--image <image>", "deploy this prebuilt image instead of building a directory")
    .option("--no-wait", "return once the API has accepted the deployment")
    .addOption(
      new Option("--max-size <MiB>", "largest compressed upload")
        .default(defaultMaxArchiveBytes / 1024 / 1024)
        .argParser(positiveInteger("--max-size")),
    )
    .addOption(
      new Option("--timeout <seconds>", "stop waiting after this long (the deployment goes on)")
        .default(1800)
        .argParser(positiveInteger("--timeout")),
    )
    .addOption(
      new Option("--poll-interval <ms>")
        .default(1000)
        .argParser(positiveInteger("--poll-interval"))
        .hideHelp(),
    )
    .addHelpText(
      "after",
      `${examples(
        "slipway deploy -p storefront -a web",
        "slipway deploy ./services/api -p storefront -a api -e preview",
        "slipway deploy --image ghcr.io/acme/web:1.4.2 -p storefront -a web",
        "slipway deploy -p storefront -a web --no-wait --output=json | jq -r .deploymentId",
      )}
The directory is uploaded without what its .gitignore files and .dockerignore leave out, and
without .git; a symbolic link that leads out of it stops the deploy. Exit codes: 0 ready,
2 usage, 3 API error, 4 build failed, 5 rollout failed or ended without running.
`,
    )
    .action(async (dir: string, options: DeployOptions, command: Command) => {
      const { output, api: connect } = commandContext(io, command);
      const target = readTarget(options);
      const api = await connect();
      const progress = makeProgress(io, output.json);
      const startedAt = io.now();
      const created = await failingStep(progress, () =>
        createDeployment(api, io, dir, target, options, progress),
      );
      const { deploymentId, upload } = created;
      if (!options.wait) {
        progress.end("done");
        output.result(
          { deploymentId, ...target, ...(upload ? { upload } : {}) },
          () => deploymentId,
        );
        return;
      }
      const { deployment, outcome } = await failingStep(progress, () =>
        followDeployment(api, io, deploymentId, progress, {
          pollMs: options.pollInterval,
          timeoutMs: options.timeout * 1000,
        }),
      );
      if (outcome.kind === "ended") {
        progress.end("failed");
        throw new CliError(outcome.exitCode, `${outcome.message} (slipway logs ${deploymentId})`);
      }
      progress.end("done");
      const urls = outcome.kind === "ready" ? outcome.urls : [];
      const result = {
        deploymentId,
        status: deployment.status,
        urls,
        elapsedMs: io.now() - startedAt,
        ...(upload ? { upload } : {}),
      };
      output.result(result, () =>
        urls.length > 0 ? urls : [`${deploymentId} is ready (it has no hostname yet).`],
      );
    });
}

/** Runs `work`; when it throws, the step on screen is marked failed first. */
async function failingStep<T>(progress: Progress, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    progress.end("failed");
    throw error;
  }
}

/** The deployment of an image, or of the uploaded directory. */
async function createDeployment(
  api: SlipwayApi,
  io: CliIo,
  dir: string,
  target: EnvironmentRef,
  options: DeployOptions,
  progress: Progress,
): Promise<{ deploymentId: string; upload?: { files: number; archiveBytes: number } }> {
  const image = options.image;
  if (image) {
    progress.step(`Deploying image ${image}`);
    const { data } = await api.call((sdk) =>
      sdk.deployments.createDeployment({ ...target, image: { dockerImage: image } }),
    );
    return { deploymentId: data.deploymentId };
  }
  const directory = resolve(io.cwd, dir);
  const { deploymentId, ...upload } = await uploadSource(
    api,
    directory,
    target,
    options.maxSize * 1024 * 1024,
    progress,
  );
  return { deploymentId, upload };
}
