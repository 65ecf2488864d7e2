/**
 * argv builders for each control-plane component. Pure: every path and port comes in
 * through ControlPlaneLayout, so the flags can be unit tested without starting anything.
 */

export interface ControlPlaneLayout {
  workDir: string;
  etcdDataDir: string;
  ports: {
    etcdClient: number;
    etcdPeer: number;
    apiserver: number;
    controllerManager: number;
    scheduler: number;
  };
  serviceCidr: string;
  podCidr: string;
  pki: {
    caCert: string;
    caKey: string;
    apiserverCert: string;
    apiserverKey: string;
    kubeletClientCert: string;
    kubeletClientKey: string;
    serviceAccountKey: string;
    serviceAccountPub: string;
  };
  kubeconfigs: {
    controllerManager: string;
    scheduler: string;
    kwok: string;
  };
  kwokStages: string;
  /**
   * Where the apiserver listens and what it advertises (default 127.0.0.1). A real node's
   * pods cannot reach the host's loopback, so with one it is the node bridge's gateway.
   */
  apiserverAddress?: string;
  /**
   * The apiserver's watch cache. On (the default, as in production) it answers old
   * resourceVersions from memory; off, watches go to etcd, so after compactEtcd a stale
   * watch gets the real 410 Gone, which operator tests need to exercise relisting.
   */
  watchCache: boolean;
  /**
   * Lifts the client rate limits of kube-controller-manager and kube-scheduler (20 and 50
   * requests/s by default) and the apiserver's in-flight limits, as kwokctl's
   * `--disable-qps-limits` does: benchmarks of 1 000 workloads measure the control plane's
   * work, not its throttles. Optional so existing layouts keep the upstream defaults.
   */
  unthrottled?: boolean;
}

/** kwokctl's "unlimited" client rate (consts.DefaultUnlimitedQPS / Burst in kwok v0.8.0). */
const UNLIMITED_QPS = 5000;
const UNLIMITED_BURST = 10000;
const unlimitedClient = (layout: ControlPlaneLayout) =>
  layout.unthrottled
    ? [`--kube-api-qps=${UNLIMITED_QPS}`, `--kube-api-burst=${UNLIMITED_BURST}`]
    : [];

export const ETCD_MEMBER = "slipway";
export const SERVICE_ACCOUNT_ISSUER = "https://kubernetes.default.svc.cluster.local";

export function etcdClientUrl(layout: ControlPlaneLayout): string {
  return `http://127.0.0.1:${layout.ports.etcdClient}`;
}

export function apiserverUrl(layout: ControlPlaneLayout): string {
  return `https://${layout.apiserverAddress ?? "127.0.0.1"}:${layout.ports.apiserver}`;
}

export function makeEtcdArgs(layout: ControlPlaneLayout): string[] {
  const peer = `http://127.0.0.1:${layout.ports.etcdPeer}`;
  return [
    `--name=${ETCD_MEMBER}`,
    `--data-dir=${layout.etcdDataDir}`,
    `--listen-client-urls=${etcdClientUrl(layout)}`,
    `--advertise-client-urls=${etcdClientUrl(layout)}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=${ETCD_MEMBER}=${peer}`,
    "--initial-cluster-state=new",
    // A throwaway single-member store: durability buys nothing and fsync costs seconds.
    "--unsafe-no-fsync=true",
    "--quota-backend-bytes=2147483648",
    "--log-level=warn",
  ];
}

export function makeApiserverArgs(layout: ControlPlaneLayout): string[] {
  const { pki } = layout;
  return [
    `--etcd-servers=${etcdClientUrl(layout)}`,
    `--bind-address=${layout.apiserverAddress ?? "127.0.0.1"}`,
    `--advertise-address=${layout.apiserverAddress ?? "127.0.0.1"}`,
    `--secure-port=${layout.ports.apiserver}`,
    `--cert-dir=${layout.workDir}/apiserver-certs`,
    `--tls-cert-file=${pki.apiserverCert}`,
    `--tls-private-key-file=${pki.apiserverKey}`,
    `--client-ca-file=${pki.caCert}`,
    `--kubelet-client-certificate=${pki.kubeletClientCert}`,
    `--kubelet-client-key=${pki.kubeletClientKey}`,
    // A real node registers its bridge address as InternalIP; its name resolves nowhere.
    "--kubelet-preferred-address-types=InternalIP,Hostname",
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${pki.serviceAccountPub}`,
    `--service-account-signing-key-file=${pki.serviceAccountKey}`,
    `--service-cluster-ip-range=${layout.serviceCidr}`,
    "--authorization-mode=Node,RBAC",
    "--enable-admission-plugins=NodeRestriction",
    "--allow-privileged=true",
    "--profiling=false",
    ...(layout.watchCache ? [] : ["--watch-cache=false"]),
    ...(layout.unthrottled
      ? [
          "--max-requests-inflight=0",
          "--max-mutating-requests-inflight=0",
          "--enable-priority-and-fairness=false",
        ]
      : []),
    "--v=1",
  ];
}

export function makeControllerManagerArgs(layout: ControlPlaneLayout): string[] {
  const kubeconfig = layout.kubeconfigs.controllerManager;
  return [
    `--kubeconfig=${kubeconfig}`,
    // Without these it tries in-cluster config to check callers of its own /metrics.
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${layout.ports.controllerManager}`,
    `--cert-dir=${layout.workDir}/controller-manager-certs`,
    `--service-account-private-key-file=${layout.pki.serviceAccountKey}`,
    `--root-ca-file=${layout.pki.caCert}`,
    `--cluster-signing-cert-file=${layout.pki.caCert}`,
    `--cluster-signing-key-file=${layout.pki.caKey}`,
    `--service-cluster-ip-range=${layout.serviceCidr}`,
    `--cluster-cidr=${layout.podCidr}`,
    "--controllers=*,bootstrapsigner,tokencleaner",
    "--use-service-account-credentials=true",
    // One instance per cluster: skipping the lease election saves ~15 s at start.
    "--leader-elect=false",
    ...unlimitedClient(layout),
    "--v=1",
  ];
}

export function makeSchedulerArgs(layout: ControlPlaneLayout): string[] {
  const kubeconfig = layout.kubeconfigs.scheduler;
  return [
    `--kubeconfig=${kubeconfig}`,
    `--authentication-kubeconfig=${kubeconfig}`,
    `--authorization-kubeconfig=${kubeconfig}`,
    "--bind-address=127.0.0.1",
    `--secure-port=${layout.ports.scheduler}`,
    `--cert-dir=${layout.workDir}/scheduler-certs`,
    "--leader-elect=false",
    ...unlimitedClient(layout),
    "--v=1",
  ];
}

/** Annotation that marks a Node as a kwok fake node; kwok manages only nodes carrying it. */
export const KWOK_NODE_ANNOTATION = "kwok.x-k8s.io/node";
export const KWOK_NODE_ANNOTATION_VALUE = "fake";

export function makeKwokArgs(layout: ControlPlaneLayout): string[] {
  return [
    `--kubeconfig=${layout.kubeconfigs.kwok}`,
    `--config=${layout.kwokStages}`,
    "--manage-all-nodes=false",
    `--manage-nodes-with-annotation-selector=${KWOK_NODE_ANNOTATION}=${KWOK_NODE_ANNOTATION_VALUE}`,
    // Renew node Leases like a kubelet, so the node lifecycle controller keeps nodes Ready.
    "--node-lease-duration-seconds=40",
    `--cidr=${layout.podCidr}`,
    "--node-ip=127.0.0.1",
  ];
}
