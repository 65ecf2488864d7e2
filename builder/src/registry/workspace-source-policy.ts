import { BuildError } from "@slipway/shared";

/**
 * A BuildKit source policy (`buildctl build --source-policy-file`), evaluated by buildkitd on
 * every image a build reads (`FROM`, `COPY --from`, `RUN --mount=from`, after `ARG`
 * expansion). Rules are evaluated in order and the last match wins.
 */
export interface SourcePolicy {
  rules: Array<{
    action: "ALLOW" | "DENY";
    selector: { identifier: string; matchType: "WILDCARD" };
  }>;
}

/** The message BuildKit gives a denied image, as buildctl prints it. */
export const DENIED_BY_POLICY = /source "docker-image:\/\/([^"]+)" denied by policy/;

/**
 * The policy for a build that pushes to `imageRepository`, when every workspace's images live
 * under `workspacesRoot` (`<registry>/<prefix>`, e.g. `registry:5000/slipway`): any image whose
 * path has `/<prefix>/` is denied **on any host** (so `localhost:5000/…`, `127.0.0.2:5000/…`, a
 * DNS alias or an upper-case host name cannot reach another workspace's images either; image
 * paths are lower case by the reference grammar), then the workspace's own
 * `<registry>/<prefix>/<workspace>/…` is allowed again. Everything else (public base images,
 * `<registry>/base/…`) is untouched. Without a prefix only the registry's own spelling can be
 * named, so installs should keep one (the default is `slipway`).
 */
export function makeWorkspaceSourcePolicy(
  workspacesRoot: string,
  imageRepository: string,
): SourcePolicy {
  const [registryHost = "", ...prefixParts] = workspacesRoot.split("/");
  const workspace = imageRepository.startsWith(`${workspacesRoot}/`)
    ? imageRepository.slice(workspacesRoot.length + 1).split("/")[0]
    : undefined;
  if (!workspace || !/^[a-z0-9._-]+$/.test(workspace)) {
    throw new BuildError(
      "invalid_request",
      `"${imageRepository}" is not a workspace's repository under ${workspacesRoot}/.`,
    );
  }
  const prefix = prefixParts.join("/");
  return {
    rules: [
      {
        action: "DENY",
        selector: {
          identifier: prefix ? `docker-image://*/${prefix}/*` : `docker-image://${registryHost}/*`,
          matchType: "WILDCARD",
        },
      },
      {
        action: "ALLOW",
        selector: {
          identifier: `docker-image://${workspacesRoot}/${workspace}/*`,
          matchType: "WILDCARD",
        },
      },
    ],
  };
}
