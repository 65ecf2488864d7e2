import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const stackInfoFile = fileURLToPath(new URL("../test-results/stack.json", import.meta.url));

export interface StackInfo {
  url: string;
  apiUrl: string;
  databaseUrl: string;
  owner: { workspaceId: string; rootKey: string };
  other: {
    workspaceId: string;
    rootKey: string;
    projectId: string;
    projectSlug: string;
    apiId: string;
    keyId: string;
  };
  /** A workspace holding only 10 000 request-log rows, oldest path `/bulk/0`. */
  bulk: {
    workspaceId: string;
    rootKey: string;
    requestLogs: { count: number; oldestPath: string; newestPath: string };
  };
  /** The fake GitHub; `memberLogin` belongs to the account whose installation is bound to owner. */
  github: { url: string; memberLogin: string; outsiderLogin: string };
  /** Sentinel on this stack's data; `host` is the seeded app's verified domain. */
  sentinel: { url: string; host: string };
  seeded: {
    projectId: string;
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
