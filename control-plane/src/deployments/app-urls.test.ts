import { describe, expect, it } from "vitest";
import { appUrls } from "./app-urls.js";

describe("appUrls", () => {
  it("puts Sentinel's port in the URL when it is not the scheme's own", () => {
    expect(appUrls(["web-abc.slipway.localhost"], { scheme: "http", port: 8080 })).toEqual([
      "http://web-abc.slipway.localhost:8080",
    ]);
  });

  it("leaves the scheme's own port and an unset one out", () => {
    expect(appUrls(["a.example", "b.example"], { scheme: "https", port: 443 })).toEqual([
      "https://a.example",
      "https://b.example",
    ]);
    expect(appUrls(["a.example"], { scheme: "http", port: 80 })).toEqual(["http://a.example"]);
    expect(appUrls(["a.example"], { scheme: "https" })).toEqual(["https://a.example"]);
    // 443 over plain http is not http's default: it stays.
    expect(appUrls(["a.example"], { scheme: "http", port: 443 })).toEqual(["http://a.example:443"]);
  });
});
