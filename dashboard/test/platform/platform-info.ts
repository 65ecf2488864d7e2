import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

export const platformInfoFile = fileURLToPath(
  new URL("../../test-results/platform-stack.json", import.meta.url),
);

/** What the platform stack (start-platform-stack.ts) tells the specs. */
export interface PlatformInfo {
  /** `npm start`'s API, which serves the dashboard at `/`. */
  apiUrl: string;
  rootKey: string;
  /** Sentinel on the host: apps answer at http://<hostname>:<port>. */
  sentinelPort: number;
  /** Signs the deliveries a spec sends as GitHub would. */
  webhookSecret: string;
  project: string;
  app: string;
  /** The app's repository on the fake GitHub and its commits, by what they are for. */
  repository: string;
  commits: {
    /** examples/hello on the production branch: builds and answers. */
    hello: { sha: string; branch: string; message: string };
    /** examples/hello with a build step that sleeps for minutes: for cancelling. */
    slow: { sha: string; branch: string; message: string };
    /** examples/hello as a stranger's fork proposes it in a pull request. */
    fork: { sha: string; branch: string; message: string };
  };
}

export function platformInfo(): PlatformInfo {
  return JSON.parse(readFileSync(platformInfoFile, "utf8")) as PlatformInfo;
}
