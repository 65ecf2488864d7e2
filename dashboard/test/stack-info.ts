import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const stackInfoFile = fileURLToPath(new URL("../test-results/stack.json", import.meta.url));

export interface StackInfo {
  url: string;
  apiUrl: string;
  databaseUrl: string;
  owner: { workspaceId: string; rootKey: string };
  other: { workspaceId: string; rootKey: string };
  /** Sentinel on this stack's data; `host` is the seeded app's verified domain. */
  sentinel: { url: string; host: string };
  seeded: {
    building: string;
    awaitingApproval: string;
    failed: string;
    skipped: string;
    current: string;
    previous: string;
  };
}

export function stackInfo(): StackInfo {
  return JSON.parse(readFileSync(stackInfoFile, "utf8")) as StackInfo;
}
