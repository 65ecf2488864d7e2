export * from "./kube-client.js";
export * from "./kubeconfig.js";
