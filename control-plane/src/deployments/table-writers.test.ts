import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

// The lifecycle core is the one module that writes the `deployments` table (its status above
// all): a status written anywhere else skips the lifecycle table, the audit row and the
// follow-up jobs. This reads the source, so a new writer elsewhere fails here.

const sourceRoot = join(import.meta.dirname, "..");
const coreFolder = join(sourceRoot, "deployments");

/** Drizzle writes (`.update(deployments)`, `.insert(…)`, `.delete(…)`) and raw SQL ones. */
const writesOfDeployments = [
  /\.(update|insert|delete)\(\s*deployments\s*\)/,
  /\b(update|insert\s+into|delete\s+from)\s+deployments\b/i,
];

export function writesDeployments(source: string): boolean {
  return writesOfDeployments.some((pattern) => pattern.test(source));
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("who writes the deployments table", () => {
  it("recognises every way of writing it", () => {
    expect(writesDeployments('await tx.update(deployments).set({ status: "ready" })')).toBe(true);
    expect(writesDeployments("db.insert( deployments ).values(row)")).toBe(true);
    expect(writesDeployments("await db.delete(deployments).where(x)")).toBe(true);
    expect(writesDeployments("update deployments set status = 'failed'")).toBe(true);
    expect(writesDeployments("INSERT INTO deployments (id) values ($1)")).toBe(true);
    expect(writesDeployments("db.select().from(deployments)")).toBe(false);
    expect(writesDeployments("tx.update(deploymentSteps).set({})")).toBe(false);
  });

  it("is only the lifecycle core in src/deployments/", () => {
    const writers = sourceFiles(sourceRoot)
      .filter((path) => !path.startsWith(coreFolder))
      .filter((path) => writesDeployments(readFileSync(path, "utf8")))
      .map((path) => relative(sourceRoot, path));
    expect(writers).toEqual([]);
  });
});
