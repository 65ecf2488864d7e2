import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderDeploymentCrdYaml } from "../crd/render-crds.js";

/** crds/ for kubectl, and the chart's crds/ (Helm installs that directory before templates). */
export const deploymentCrdPaths = [
  "../../../crds/deployment.yaml",
  "../../../charts/slipway/crds/deployment.yaml",
].map((relative) => fileURLToPath(new URL(relative, import.meta.url)));

const yaml = renderDeploymentCrdYaml();
for (const path of deploymentCrdPaths) {
  await writeFile(path, yaml);
  console.log(`wrote ${path}`);
}
