import { startStackProcess } from "../stack-process.js";
import { platformInfoFile } from "./platform-info.js";

/**
 * Starts `npm start`'s platform with the fake GitHub (start-platform-stack.ts). Its first start
 * on a machine builds node:20-slim from Debian (a few minutes, then cached) and it may wait for
 * the machine's real node, which other suites hold while they run.
 */
export default function globalSetup(): Promise<() => Promise<void>> {
  return startStackProcess({
    script: "dashboard/test/platform/start-platform-stack.ts",
    infoFile: platformInfoFile,
    readyWithinMs: 1_200_000,
  });
}
