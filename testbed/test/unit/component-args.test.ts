import { describe, expect, it } from "vitest";
import {
  type ControlPlaneLayout,
  makeApiserverArgs,
  makeControllerManagerArgs,
  makeEtcdArgs,
  makeKwokArgs,
  makeSchedulerArgs,
} from "../../src/cluster/component-args.js";

const layout: ControlPlaneLayout = {
  workDir: "/w",
  etcdDataDir: "/w/etcd",
  ports: {
    etcdClient: 1001,
    etcdPeer: 1002,
    apiserver: 1003,
    controllerManager: 1004,
    scheduler: 1005,
  },
  serviceCidr: "10.96.0.0/16",
  podCidr: "10.244.0.0/16",
  pki: {
    caCert: "/w/pki/ca.crt",
    caKey: "/w/pki/ca.key",
    apiserverCert: "/w/pki/apiserver.crt",
    apiserverKey: "/w/pki/apiserver.key",
    kubeletClientCert: "/w/pki/k.crt",
    kubeletClientKey: "/w/pki/k.key",
    serviceAccountKey: "/w/pki/sa.key",
    serviceAccountPub: "/w/pki/sa.pub",
  },
  kubeconfigs: { controllerManager: "/w/cm.kc", scheduler: "/w/s.kc", kwok: "/w/k.kc" },
  kwokStages: "/cache/kwok-stages.yaml",
  watchCache: true,
};

describe("component arguments", () => {
  it("etcd listens only on loopback, on the chosen ports", () => {
    const args = makeEtcdArgs(layout);
    expect(args).toContain("--listen-client-urls=http://127.0.0.1:1001");
    expect(args).toContain("--listen-peer-urls=http://127.0.0.1:1002");
    expect(args).toContain("--data-dir=/w/etcd");
  });

  it("the apiserver is secure, RBAC-enforcing and signs service-account tokens", () => {
    const args = makeApiserverArgs(layout);
    expect(args).toContain("--etcd-servers=http://127.0.0.1:1001");
    expect(args).toContain("--secure-port=1003");
    expect(args).toContain("--bind-address=127.0.0.1");
    expect(args).toContain("--authorization-mode=Node,RBAC");
    expect(args).toContain("--client-ca-file=/w/pki/ca.crt");
    expect(args).toContain("--service-account-signing-key-file=/w/pki/sa.key");
    expect(args).toContain("--service-account-key-file=/w/pki/sa.pub");
    expect(args.some((a) => a.startsWith("--service-account-issuer=https://"))).toBe(true);
    expect(args).toContain("--service-cluster-ip-range=10.96.0.0/16");
    expect(args.some((a) => a.startsWith("--watch-cache"))).toBe(false);
    expect(makeApiserverArgs({ ...layout, watchCache: false })).toContain("--watch-cache=false");
  });

  it("controller-manager runs every controller with per-controller credentials", () => {
    const args = makeControllerManagerArgs(layout);
    expect(args).toContain("--kubeconfig=/w/cm.kc");
    expect(args.find((a) => a.startsWith("--controllers="))).toMatch(/^--controllers=\*/);
    expect(args).toContain("--use-service-account-credentials=true");
    expect(args).toContain("--root-ca-file=/w/pki/ca.crt");
    expect(args).toContain("--service-account-private-key-file=/w/pki/sa.key");
    expect(args).toContain("--secure-port=1004");
    expect(args).toContain("--leader-elect=false");
  });

  it("scheduler and kwok use their own kubeconfigs; kwok manages only annotated nodes", () => {
    expect(makeSchedulerArgs(layout)).toContain("--secure-port=1005");
    const kwok = makeKwokArgs(layout);
    expect(kwok).toContain("--kubeconfig=/w/k.kc");
    expect(kwok).toContain("--config=/cache/kwok-stages.yaml");
    expect(kwok).toContain("--manage-all-nodes=false");
    expect(kwok).toContain("--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake");
  });

  it("keeps upstream rate limits unless unthrottled, which lifts them everywhere", () => {
    const limits = (args: string[]) =>
      args.filter((a) => /^--(kube-api-qps|kube-api-burst|max-.*inflight|enable-priority)/.test(a));
    for (const make of [makeApiserverArgs, makeControllerManagerArgs, makeSchedulerArgs]) {
      expect(limits(make(layout))).toEqual([]);
    }
    const unthrottled = { ...layout, unthrottled: true };
    expect(limits(makeControllerManagerArgs(unthrottled))).toEqual([
      "--kube-api-qps=5000",
      "--kube-api-burst=10000",
    ]);
    expect(limits(makeSchedulerArgs(unthrottled))).toEqual([
      "--kube-api-qps=5000",
      "--kube-api-burst=10000",
    ]);
    expect(limits(makeApiserverArgs(unthrottled))).toEqual([
      "--max-requests-inflight=0",
      "--max-mutating-requests-inflight=0",
      "--enable-priority-and-fairness=false",
    ]);
  });
});
