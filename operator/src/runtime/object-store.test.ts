import { describe, expect, it } from "vitest";
import type { KubeObject } from "./kube-object.js";
import { ObjectStore } from "./object-store.js";

const object = (name: string, resourceVersion: string, owner?: string): KubeObject => ({
  metadata: {
    name,
    namespace: "ns",
    resourceVersion,
    labels: owner ? { "slipway.dev/deployment": owner } : undefined,
    ...{ managedFields: [{ manager: "slipway-operator" }] },
  },
});

describe("ObjectStore", () => {
  it("finds objects by name and by the CR that owns them, without managedFields", () => {
    const store = new ObjectStore("slipway.dev/deployment");
    store.upsert(object("api-eu-1", "10", "api"));
    store.upsert(object("api-us-1", "11", "api"));
    store.upsert(object("web-eu-1", "12", "web"));
    expect(store.ownedBy("ns", "api").map((o) => o.metadata.name)).toEqual([
      "api-eu-1",
      "api-us-1",
    ]);
    expect(store.ownedBy("other", "api")).toEqual([]);
    expect(store.get("ns", "web-eu-1")?.metadata).not.toHaveProperty("managedFields");
  });

  it("keeps our own newer write when an older watch event arrives after it", () => {
    const store = new ObjectStore("slipway.dev/deployment");
    store.upsert(object("api-eu-1", "20", "api"));
    store.upsert(object("api-eu-1", "19", "api"));
    expect(store.get("ns", "api-eu-1")?.metadata.resourceVersion).toBe("20");
    store.upsert(object("api-eu-1", "21", "api"));
    expect(store.get("ns", "api-eu-1")?.metadata.resourceVersion).toBe("21");
  });

  it("re-indexes an object whose owner label changes and forgets removed ones", () => {
    const store = new ObjectStore("slipway.dev/deployment");
    store.upsert(object("x", "1", "api"));
    store.upsert(object("x", "2", "web"));
    expect(store.ownedBy("ns", "api")).toEqual([]);
    expect(store.ownedBy("ns", "web")).toHaveLength(1);
    store.remove(object("x", "3"));
    expect(store.ownedBy("ns", "web")).toEqual([]);
    expect(store.size).toBe(0);
  });

  it("a relist replaces everything and returns what vanished", () => {
    const store = new ObjectStore("slipway.dev/deployment");
    store.upsert(object("kept", "1", "api"));
    store.upsert(object("gone", "2", "api"));
    const vanished = store.replace([object("kept", "5", "api"), object("new", "6", "web")]);
    expect(vanished.map((o) => o.metadata.name)).toEqual(["gone"]);
    expect(store.ownedBy("ns", "api").map((o) => o.metadata.name)).toEqual(["kept"]);
    expect(store.get("ns", "kept")?.metadata.resourceVersion).toBe("5");
  });
});
