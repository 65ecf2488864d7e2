/**
 * Kubeconfig files as text. Credentials are embedded (the *-data fields) so a kubeconfig
 * keeps working when copied elsewhere, e.g. into a container of the other packages' tests.
 * JSON is valid YAML, and every kubeconfig reader accepts it (`@slipway/shared/kube` reads it back).
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
