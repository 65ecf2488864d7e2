import { describe, expect, it } from "vitest";
import {
  compileGlob,
  compileGlobs,
  expandBraces,
  GlobError,
  globLimits,
  globMatches,
} from "./watch-path-glob.js";

const matches = (pattern: string, path: string) => globMatches(compileGlob(pattern), path);

describe("watch-path globs", () => {
  it.each([
    ["src/**", "src/a/b/c.ts", true],
    ["src/**", "src", true],
    ["src/**", "lib/src/a.ts", false],
    ["**/*.go", "main.go", true],
    ["**/*.go", "cmd/api/main.go", true],
    ["**/*.go", "main.gox", false],
    ["*.md", "docs/readme.md", false],
    ["docs/*.md", "docs/.hidden.md", true],
    ["{api,web}/**", "web/index.html", true],
    ["{api,web}/**", "worker/index.ts", false],
    ["src/{a,b{c,d}}/x", "src/bd/x", true],
    ["file?.txt", "file1.txt", true],
    ["file?.txt", "file10.txt", false],
    ["[a-c]*.ts", "b-thing.ts", true],
    ["[!a-c]*.ts", "b-thing.ts", false],
    ["\\*.ts", "*.ts", true],
    ["\\*.ts", "a.ts", false],
    ["./Dockerfile", "Dockerfile", true],
    ["a/**/b/**/c", "a/x/b/y/z/c", true],
    ["a/**/b/**/c", "a/x/c", false],
    ["***", "anything", true],
  ])("%s against %s → %s", (pattern, path, expected) => {
    expect(matches(pattern, path)).toBe(expected);
  });

  it("refuses what it cannot match safely or at all, saying why", () => {
    expect(() => compileGlob("!src/**")).toThrow(/negation/);
    expect(() => compileGlob("+(a|b)")).toThrow(/extended glob/);
    expect(() => compileGlob("src/{a,b")).toThrow(/never closed/);
    expect(() => compileGlob("src/[abc")).toThrow(/never closed/);
    expect(() => compileGlob("[z-a]")).toThrow(/empty range/);
    expect(() => compileGlob("{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}")).toThrow(/more than 32/);
    expect(() => compileGlob(`${"a/".repeat(64)}b`)).toThrow(/segments/);
    expect(() => compileGlob(Array(9).fill("**").join("/"))).toThrow(/'\*\*'/);
    expect(() => compileGlob("x".repeat(globLimits.patternLength + 1))).toThrow(/longer/);
    const nine = Array.from({ length: 9 }, (_, i) => `{a,b}{c,d}{e,f}{g,h}{i,j}/${i}`);
    expect(() => compileGlobs(nine)).toThrow(/288 alternatives together/);
    expect(() => compileGlobs(["ok/**", "bad/{"])).toThrow(/watch path 2 \("bad\/\{"\)/);
    expect(() => compileGlobs(["ok/**"])).not.toThrow(GlobError);
  });

  it("expands nested braces in order", () => {
    expect(expandBraces("a{b,c{d,e}}f")).toEqual(["abf", "acdf", "acef"]);
  });

  it("matches the worst accepted pattern against a long path without backtracking", () => {
    // 32 alternatives of many stars and globstars: a backtracking matcher takes seconds here.
    const worst = `{a,b}{c,d}{e,f}{g,h}{i,j}/${Array(8).fill("**").join("/")}/${"*a".repeat(60)}*b`;
    const glob = compileGlob(worst);
    const path = `${"a/".repeat(40)}${"a".repeat(200)}`;
    // Against a backtracking matcher this would not finish within the test's timeout.
    for (let i = 0; i < 20; i++) expect(globMatches(glob, path)).toBe(false);
    expect(globMatches(glob, `acegi/${"a".repeat(100)}b`)).toBe(true);
  });
});
