import { KubeClient, loadKubeConnection } from "@slipway/shared/kube";
import { installCrds } from "../crd/install-crds.js";

const kube = new KubeClient(loadKubeConnection(process.env));
await installCrds(kube);
kube.close();
console.log("installed deployments.slipway.dev");
