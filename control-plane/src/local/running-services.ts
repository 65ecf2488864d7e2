import { rmSync } from "node:fs";
import { stopLeftoverGroup } from "./child-service.js";
import {
  type ProcessRecord,
  type RecordedProcess,
  readProcessRecord,
  writeProcessRecord,
} from "./process-record.js";

interface Started {
  name: string;
  stop(): Promise<void>;
}

/**
 * What `npm start` has started, in order, with each process written to the record file as it
 * starts. `stopAll` stops them in reverse order (a service before what it depends on) and
 * removes the record; a start that was killed instead leaves the record to the next start.
 */
export class RunningServices {
  private readonly started: Started[] = [];
  private readonly record: ProcessRecord = { ownerPid: process.pid, processes: [] };

  constructor(
    private readonly recordFile: string,
    private readonly log: (line: string) => void,
  ) {}

  /** Stops the process groups a killed earlier start recorded and left running. */
  async stopLeftovers(): Promise<void> {
    const previous = readProcessRecord(this.recordFile);
    for (const entry of [...(previous?.processes ?? [])].reverse()) {
      if (await stopLeftoverGroup(entry.pid, entry.command)) {
        this.log(`stopped ${entry.name} (pid ${entry.pid}) left running by an earlier start`);
      }
    }
  }

  add(name: string, stop: () => Promise<void>, processes: RecordedProcess[] = []): void {
    this.started.push({ name, stop });
    this.record.processes.push(...processes);
    writeProcessRecord(this.recordFile, this.record);
  }

  async stopAll(): Promise<void> {
    for (const service of this.started.splice(0).reverse()) {
      this.log(`stopping ${service.name}`);
      try {
        await service.stop();
      } catch (error) {
        this.log(`stopping ${service.name} failed: ${(error as Error).message}`);
      }
    }
    rmSync(this.recordFile, { force: true });
  }
}
