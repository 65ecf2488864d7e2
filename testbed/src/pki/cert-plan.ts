/**
 * What certificates a testbed cluster needs, as data. `makePki` turns this into files with
 * openssl. ECDSA P-256 keys: generated in milliseconds, and accepted everywhere Kubernetes
 * takes a key, including the service-account signing key (ES256).
 */

export interface LeafCertSpec {
  /** File stem: <name>.crt and <name>.key. */
  name: string;
  commonName: string;
  organization?: string;
  usage: "server" | "client" | "server-and-client";
  dnsNames?: string[];
  ipAddresses?: string[];
}

/** The first address of the service range, which the `kubernetes` Service gets. */
export function firstServiceIp(serviceCidr: string): string {
  const match = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/\d+$/.exec(serviceCidr);
  if (!match) throw new Error(`not an IPv4 CIDR: ${serviceCidr}`);
  return `${match[1]}.${match[2]}.${match[3]}.${Number(match[4]) + 1}`;
}

/**
 * A kubelet's client certificate: the Node authorizer and NodeRestriction admit a kubelet by
 * this name and group only.
 */
export function makeNodeCertSpec(nodeName: string): LeafCertSpec {
  return {
    name: `node-${nodeName}`,
    commonName: `system:node:${nodeName}`,
    organization: "system:nodes",
    usage: "client",
  };
}

/** extraApiserverIps: where else the apiserver listens, e.g. the real node's bridge gateway. */
export function makeCertPlan(
  serviceCidr: string,
  extraApiserverIps: readonly string[] = [],
): LeafCertSpec[] {
  return [
    {
      name: "apiserver",
      commonName: "kube-apiserver",
      usage: "server",
      dnsNames: [
        "localhost",
        "kubernetes",
        "kubernetes.default",
        "kubernetes.default.svc",
        "kubernetes.default.svc.cluster.local",
      ],
      ipAddresses: ["127.0.0.1", firstServiceIp(serviceCidr), ...extraApiserverIps],
    },
    // system:masters bypasses RBAC: the developer's and the tests' identity.
    { name: "admin", commonName: "slipway-admin", organization: "system:masters", usage: "client" },
    // The identities RBAC's bootstrap policy grants exactly what these components need.
    { name: "controller-manager", commonName: "system:kube-controller-manager", usage: "client" },
    { name: "scheduler", commonName: "system:kube-scheduler", usage: "client" },
    // kwok acts as every fake kubelet (node status, pod status, leases), so it needs broad rights.
    {
      name: "kwok",
      commonName: "kwok-controller",
      organization: "system:masters",
      usage: "client",
    },
    // Lets the apiserver reach kubelets for logs/exec (bound to system:kubelet-api-admin).
    {
      name: "apiserver-kubelet-client",
      commonName: "kube-apiserver-kubelet-client",
      organization: "kubeadm:cluster-admins",
      usage: "client",
    },
  ];
}

/** The openssl x509 extension file for one leaf certificate. */
export function makeExtensionFile(spec: LeafCertSpec): string {
  const extendedUsage = {
    server: "serverAuth",
    client: "clientAuth",
    "server-and-client": "serverAuth,clientAuth",
  }[spec.usage];
  const lines = [
    "basicConstraints=critical,CA:FALSE",
    "keyUsage=critical,digitalSignature,keyEncipherment",
    `extendedKeyUsage=${extendedUsage}`,
  ];
  const alt = [
    ...(spec.dnsNames ?? []).map((d) => `DNS:${d}`),
    ...(spec.ipAddresses ?? []).map((ip) => `IP:${ip}`),
  ];
  if (alt.length > 0) lines.push(`subjectAltName=${alt.join(",")}`);
  return `${lines.join("\n")}\n`;
}

/** `-subj` value; openssl wants /O= before /CN= to order the RDNs conventionally. */
export function makeSubject(spec: { commonName: string; organization?: string }): string {
  return `${spec.organization ? `/O=${spec.organization}` : ""}/CN=${spec.commonName}`;
}
