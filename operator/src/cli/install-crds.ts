import { installCrds } from "../crd/install-crds.js";
import { KubeClient } from "../kube/kube-client.js";
import { loadKubeConnection } from "../kube/kubeconfig.js";

const kube = new KubeClient(loadKubeConnection(process.env));
await installCrds(kube);
kube.close();
console.log("installed deployments.slipway.dev");
