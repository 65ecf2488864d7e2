import { DEPLOYMENT_API_VERSION, DEPLOYMENT_PLURAL } from "./deployment-schema.js";

/** The apiserver path of the Deployment.slipway.dev objects of a namespace, or of one by name. */
export const deploymentCrPath = (namespace: string, name = "") =>
  `/apis/${DEPLOYMENT_API_VERSION}/namespaces/${namespace}/${DEPLOYMENT_PLURAL}${name ? `/${name}` : ""}`;
