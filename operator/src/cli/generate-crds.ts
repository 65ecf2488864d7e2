import { writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { renderDeploymentCrdYaml } from "../crd/render-crds.js";

export const deploymentCrdPath = fileURLToPath(
  new URL("../../../crds/deployment.yaml", import.meta.url),
);

await writeFile(deploymentCrdPath, renderDeploymentCrdYaml());
console.log(`wrote ${deploymentCrdPath}`);
