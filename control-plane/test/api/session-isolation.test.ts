import { beforeAll, describe, expect, it } from "vitest";
import { startTestApi, type TestApi, type TestWorkspace } from "../harness/api.js";
import { type BrowserSession, sessionPost, signInWithRootKey } from "../harness/browser-session.js";
import {
  bySlug,
  type IsolationIds,
  isolationCases,
  seedIsolationObjects,
} from "../harness/isolation-table.js";

let api: TestApi;
let owner: TestWorkspace;
let intruder: TestWorkspace;
let ids: IsolationIds;
let session: BrowserSession;

beforeAll(async () => {
  api = await startTestApi({ redis: true });
  owner = await api.newWorkspace("owner");
  intruder = await api.newWorkspace("intruder");
  ids = await seedIsolationObjects(api, owner, intruder);
  session = await signInWithRootKey(api, intruder.rootKey);
});

describe("a dashboard session of one workspace never reaches another's objects", () => {
  it.each(isolationCases)(
    "%s answers 404 for the other workspace's object (%#)",
    async (operation, body) => {
      const response = await sessionPost(api, session, `/v2/${operation}`, body(ids));
      const text = await response.text();
      expect(response.status, text).toBe(404);
      expect(text).not.toContain("owner-only-value");
    },
  );

  it("lists nothing of the other workspace, and left the owner's objects as they were", async () => {
    const projects = await sessionPost(api, session, "/v2/projects.listProjects");
    expect((await projects.json()).data).toEqual([]);
    const deployments = await sessionPost(api, session, "/v2/deployments.listDeployments");
    expect((await deployments.json()).data).toEqual([]);
    const variables = await owner.sdk.environments.listEnvironmentVariables(bySlug);
    expect(variables.data.map((v) => [v.key, v.value])).toEqual([["TOKEN", "owner-only-value"]]);
    const keys = await owner.sdk.apis.listKeys({ apiId: ids.api });
    expect(keys.result.data.map((key) => key.keyId)).toEqual([ids.keyId]);
  });
});
