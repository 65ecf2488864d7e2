import { makeDeploymentCrd } from "@slipway/shared";
import { stringify } from "yaml";

export const CRD_FILE_HEADER = [
  "# Generated from shared/src/crd/deployment-schema.ts by `npm run generate-crds -w @slipway/operator`.",
  "# Do not edit; change the schema and regenerate.",
].join("\n");

/** The exact text of crds/deployment.yaml. */
export function renderDeploymentCrdYaml(): string {
  return `${CRD_FILE_HEADER}\n${stringify(makeDeploymentCrd(), { lineWidth: 0 })}`;
}
