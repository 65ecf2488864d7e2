import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { renderDeploymentCrdYaml } from "./render-crds.js";

describe.each(["crds/deployment.yaml", "charts/slipway/crds/deployment.yaml"])("%s", (file) => {
  it("is exactly what the shared schema generates (run `npm run generate-crds`)", async () => {
    const committed = await readFile(new URL(`../../../${file}`, import.meta.url), "utf8");
    expect(committed).toBe(renderDeploymentCrdYaml());
  });
});
