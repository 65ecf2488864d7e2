import { beforeAll, describe, expect, it } from "vitest";
import { dockerfile, startBuildPipeline } from "./build-harness.js";

let harness: Awaited<ReturnType<typeof startBuildPipeline>>;

beforeAll(async () => {
  harness = await startBuildPipeline({ buildSlotsPerWorkspace: 1 });
});

const slowApp = (marker: string) => ({
  // A different file per push, so no build is answered from another's cache.
  Dockerfile: dockerfile("COPY marker.txt /marker.txt", "RUN sleep 2"),
  "marker.txt": marker,
});

describe("build slots", () => {
  it("runs one build at a time with one slot, and a waiting production deployment goes before a preview", async () => {
    const firstPreview = await harness.pushCommit(slowApp("a"), "feature-a");
    await harness.waitForDeployment(firstPreview.id, (row) => row.status === "building");
    // Both wait for the one slot; the preview was queued first.
    const secondPreview = await harness.pushCommit(slowApp("b"), "feature-b");
    const production = await harness.pushCommit(slowApp("p"), "master");
    expect((await harness.deploymentRow(secondPreview.id)).status).toBe("pending");

    for (const deployment of [firstPreview, secondPreview, production]) {
      const built = await harness.waitForDeployment(deployment.id, (row) =>
        ["deploying", "failed"].includes(row.status),
      );
      expect(built.errorMessage).toBeNull();
    }
    const steps = await Promise.all(
      [firstPreview, production, secondPreview].map((d) => harness.buildStep(d.id)),
    );
    // In this order, each starting only after the one before had finished.
    for (let i = 1; i < steps.length; i++) {
      expect(steps[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(
        steps[i - 1]!.finishedAt!.getTime(),
      );
    }
  });
});
