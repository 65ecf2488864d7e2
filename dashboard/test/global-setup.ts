import { stackInfoFile } from "./stack-info.js";
import { startStackProcess } from "./stack-process.js";

/** Starts test/stack/start-stack.ts and waits for its `STACK {json}` line; stops it at the end. */
export default function globalSetup(): Promise<() => Promise<void>> {
  return startStackProcess({
    script: "dashboard/test/stack/start-stack.ts",
    infoFile: stackInfoFile,
    readyWithinMs: 150_000,
  });
}
