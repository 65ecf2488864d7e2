import { describe, expect, it } from "vitest";
import { checkSymlinkTarget } from "./collect-source.js";

describe("checkSymlinkTarget", () => {
  it.each([
    ["a/link", "../b", undefined],
    ["a/link", "./b/c", undefined],
    ["a/b/link", "../../c", undefined],
    ["link", "a/../b", undefined],
  ])("%s -> %s stays inside", (path, target, problem) => {
    expect(checkSymlinkTarget(path, target)).toBe(problem);
  });

  it.each([
    ["link", ".."],
    ["link", "../x"],
    ["a/link", "../../x"],
    ["a/link", "b/../../../x"],
    ["link", "/etc/passwd"],
    ["link", "C:\\Windows"],
  ])("%s -> %s leaves the tree", (path, target) => {
    expect(checkSymlinkTarget(path, target)).toMatch(/not in the directory|outside the directory/);
  });
});
