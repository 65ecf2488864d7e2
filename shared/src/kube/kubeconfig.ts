import { readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { parse } from "yaml";

export interface KubeConnection {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  /** Bearer token, e.g. the in-cluster service-account token. */
  token?: string;
  /** Act as this user (`Impersonate-User`), e.g. to test RBAC rules as a ServiceAccount. */
  impersonate?: string;
}

interface KubeconfigFile {
  clusters?: { name: string; cluster: Record<string, string> }[];
  users?: { name: string; user: Record<string, string> }[];
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  "current-context"?: string;
}

/** Reads the current context of a kubeconfig (YAML or JSON; inline `*-data` or file paths). */
export function parseKubeconfig(text: string, baseDir = "."): KubeConnection {
  const config = parse(text) as KubeconfigFile;
  const context = config.contexts?.find((c) => c.name === config["current-context"]);
  const cluster = config.clusters?.find((c) => c.name === context?.context.cluster)?.cluster;
  const user = config.users?.find((u) => u.name === context?.context.user)?.user ?? {};
  if (!cluster?.server) throw new Error("kubeconfig has no usable current context");
  const read = (data: string | undefined, file: string | undefined) => {
    if (data) return Buffer.from(data, "base64").toString("utf8");
    if (file) return readFileSync(resolve(baseDir, file), "utf8");
    return undefined;
  };
  return {
    server: cluster.server,
    caPem: read(cluster["certificate-authority-data"], cluster["certificate-authority"]),
    certPem: read(user["client-certificate-data"], user["client-certificate"]),
    keyPem: read(user["client-key-data"], user["client-key"]),
    token: user.token,
  };
}

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** The current context of a kubeconfig file; relative file paths in it are relative to it. */
export function readKubeconfigFile(path: string): KubeConnection {
  return parseKubeconfig(readFileSync(path, "utf8"), dirname(path));
}

/** $KUBECONFIG if set, else the in-cluster service account. */
export function loadKubeConnection(env: NodeJS.ProcessEnv): KubeConnection {
  const path = env.KUBECONFIG?.split(":")[0];
  if (path) return readKubeconfigFile(path);
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) throw new Error("KUBECONFIG is not set and this process is not running in a cluster");
  return {
    server: `https://${host.includes(":") ? `[${host}]` : host}:${env.KUBERNETES_SERVICE_PORT ?? "443"}`,
    caPem: readFileSync(`${SERVICE_ACCOUNT_DIR}/ca.crt`, "utf8"),
    token: readFileSync(`${SERVICE_ACCOUNT_DIR}/token`, "utf8").trim(),
  };
}
