import { describe, expect, it } from "vitest";
import { maxDotenvBytes, parseDotenv } from "./dotenv-parse";

const pairs = (text: string) => parseDotenv(text).entries.map(({ key, value }) => [key, value]);

describe("parseDotenv", () => {
  it("reads plain, exported, commented and blank lines", () => {
    const text = "# database\nDATABASE_URL=postgres://db/shop\n\nexport PORT = 3000\nEMPTY=\n";
    expect(pairs(text)).toEqual([
      ["DATABASE_URL", "postgres://db/shop"],
      ["PORT", "3000"],
      ["EMPTY", ""],
    ]);
  });

  it("keeps '=' and '#' inside values and drops a trailing comment after whitespace", () => {
    expect(pairs("TOKEN=a=b=c\nCOLOR=#fff\nMODE=fast # the default is slow")).toEqual([
      ["TOKEN", "a=b=c"],
      ["COLOR", "#fff"],
      ["MODE", "fast"],
    ]);
  });

  it("reads single quotes literally and double quotes with escapes and line breaks", () => {
    const text =
      'RAW=\'a\\nb # not a comment\'\nCERT="line one\nline two"\nESC="tab\\there \\"q\\""\nAFTER=1';
    expect(pairs(text)).toEqual([
      ["RAW", "a\\nb # not a comment"],
      ["CERT", "line one\nline two"],
      ["ESC", 'tab\there "q"'],
      ["AFTER", "1"],
    ]);
  });

  it("reports lines it cannot read with their numbers, and keeps the rest", () => {
    // An unclosed quote is reported on its own line; it does not swallow the lines after it.
    const result = parseDotenv('GOOD=1\nno equals here\n1BAD=2\nOPEN="never closed\r\nLAST=3');
    expect(result.entries.map((entry) => entry.key)).toEqual(["GOOD", "LAST"]);
    expect(result.problems.map((problem) => problem.line)).toEqual([2, 3, 4]);
  });

  it("refuses text over the size bound instead of parsing it", () => {
    const result = parseDotenv("A=".padEnd(maxDotenvBytes + 1, "x"));
    expect(result.entries).toEqual([]);
    expect(result.problems[0]?.reason).toContain("1 MB");
  });
});
