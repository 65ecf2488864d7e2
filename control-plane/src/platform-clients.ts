import type { Config } from "./config.js";
import { createEnvVarCipher, type EnvVarCipher } from "./crypto/env-var-cipher.js";
import { type DeployTarget, deployTargetFromConfig } from "./deploy/deploy-target.js";
import { type GitHubApi, githubApiFromConfig } from "./github/github-api.js";
import { type GitHubSource, githubSourceFromConfig } from "./github/github-source.js";
import {
  createGitHubUserAuthorization,
  type GitHubUserAuthorization,
} from "./github/github-user-authorization.js";
import { type BuildService, createBuildService } from "./image-build/build-service.js";

/**
 * The clients of every outside system a control-plane process talks to, made once per process
 * (its composition root: `server.ts`, `worker.ts`, `local/main.ts`) and shared by the API and the
 * background workers.
 */
export interface PlatformClients {
  cipher: EnvVarCipher;
  /** The GitHub App's API; undefined where no App is configured. */
  github: GitHubApi | undefined;
  /** The App's user authorization (who finishes an install); undefined without its client. */
  githubUsers: GitHubUserAuthorization | undefined;
  /** The App's read access to repositories (source archives, commits). */
  githubSource: GitHubSource | undefined;
  /** Undefined where this process has no builder configured. */
  builder: BuildService | undefined;
  /** The cluster deployments roll out to; undefined without one. */
  cluster: DeployTarget | undefined;
  close(): void;
}

export function makePlatformClients(config: Config): PlatformClients {
  const cipher = createEnvVarCipher(config.SLIPWAY_ENCRYPTION_KEYS);
  const cluster = deployTargetFromConfig(config, cipher);
  const builder =
    config.builder.buildkitAddr && config.builder.registry
      ? createBuildService(config.builder)
      : undefined;
  return {
    cipher,
    github: githubApiFromConfig(config),
    githubSource: githubSourceFromConfig(config),
    githubUsers:
      config.GITHUB_CLIENT_ID && config.GITHUB_CLIENT_SECRET
        ? createGitHubUserAuthorization({
            clientId: config.GITHUB_CLIENT_ID,
            clientSecret: config.GITHUB_CLIENT_SECRET,
            webUrl: config.GITHUB_WEB_URL,
            apiUrl: config.GITHUB_API_URL,
          })
        : undefined,
    builder,
    cluster: cluster?.target,
    close: () => cluster?.close(),
  };
}
