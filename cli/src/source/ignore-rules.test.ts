import { describe, expect, it } from "vitest";
import {
  dockerignoreAsGitignore,
  dockerignoreRuleSet,
  gitignoreRuleSet,
  isIgnored,
} from "./ignore-rules.js";

describe("dockerignoreAsGitignore", () => {
  it("anchors every pattern at the root, keeps negation, drops comments and blank lines", () => {
    expect(
      dockerignoreAsGitignore("# comment\n\n*.md\n/dist\n./tmp/**\n!README.md\n**/*.log\n.\n"),
    ).toEqual(["/*.md", "/dist", "/tmp/**", "!/README.md", "/**/*.log"]);
  });
});

describe("isIgnored", () => {
  const rules = [
    gitignoreRuleSet("", "*.log\n!keep.log\nbuild/\n"),
    dockerignoreRuleSet("*.md\nsecrets\n"),
    gitignoreRuleSet("web", "!debug.log\ncache\n"),
  ];

  it.each([
    ["app.log", true],
    ["keep.log", false],
    ["deep/er/app.log", true],
    ["build/", true],
    ["build", false], // `build/` matches folders only
    ["README.md", true],
    ["docs/README.md", false], // docker anchors *.md at the root
    ["secrets/", true],
    ["web/debug.log", false], // a deeper .gitignore re-includes
    ["web/cache/", true],
    ["cache/", false], // web/.gitignore applies under web/ only
    [".git/", true],
    ["src/.git/", true],
    ["src/index.ts", false],
  ])("%s → %s", (path, ignored) => {
    expect(isIgnored(rules, path)).toBe(ignored);
  });
});

describe("a .dockerignore read as docker reads it", () => {
  const rules = [dockerignoreRuleSet("**/node_modules\n**/*.log\n!important.log\nsrc/*.tmp\n")];
  it.each([
    ["node_modules/", true],
    ["a/b/node_modules/", true],
    ["a/x.log", true],
    ["important.log", false],
    ["src/a.tmp", true],
    ["src/b/a.tmp", false],
  ])("%s → %s", (path, ignored) => {
    expect(isIgnored(rules, path)).toBe(ignored);
  });
});
