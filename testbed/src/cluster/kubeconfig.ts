/**
 * Kubeconfig files as text. Credentials are embedded (the *-data fields) so a kubeconfig
 * keeps working when copied elsewhere, e.g. into a container of the other packages' tests.
 * JSON is valid YAML, and every kubeconfig reader accepts it.
 */

export interface KubeconfigSpec {
  clusterName: string;
  server: string;
  caPem: string;
  userName: string;
  clientCertPem: string;
  clientKeyPem: string;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

export function makeKubeconfig(spec: KubeconfigSpec): string {
  const config = {
    apiVersion: "v1",
    kind: "Config",
    clusters: [
      {
        name: spec.clusterName,
        cluster: { server: spec.server, "certificate-authority-data": b64(spec.caPem) },
      },
    ],
    users: [
      {
        name: spec.userName,
        user: {
          "client-certificate-data": b64(spec.clientCertPem),
          "client-key-data": b64(spec.clientKeyPem),
        },
      },
    ],
    contexts: [
      { name: spec.clusterName, context: { cluster: spec.clusterName, user: spec.userName } },
    ],
    "current-context": spec.clusterName,
    preferences: {},
  };
  return `${JSON.stringify(config, null, 2)}\n`;
}

export interface KubeCredentials {
  server: string;
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Reads back what makeKubeconfig wrote (current context only); used by the test client. */
export function parseKubeconfig(text: string): KubeCredentials {
  const config = JSON.parse(text) as {
    clusters: { name: string; cluster: Record<string, string> }[];
    users: { name: string; user: Record<string, string> }[];
    contexts: { name: string; context: { cluster: string; user: string } }[];
    "current-context": string;
  };
  const context = config.contexts.find((c) => c.name === config["current-context"]);
  const cluster = config.clusters.find((c) => c.name === context?.context.cluster)?.cluster;
  const user = config.users.find((u) => u.name === context?.context.user)?.user;
  if (!cluster || !user) throw new Error("kubeconfig has no usable current context");
  const decode = (value: string | undefined) => Buffer.from(value ?? "", "base64").toString("utf8");
  return {
    server: cluster.server!,
    caPem: decode(cluster["certificate-authority-data"]),
    certPem: decode(user["client-certificate-data"]),
    keyPem: decode(user["client-key-data"]),
  };
}
