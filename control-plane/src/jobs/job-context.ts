import type { Clock } from "../clock.js";
import type { Database } from "../db/client.js";
import type { FollowUpQueues } from "./queues.js";

/** What every job handler gets: the database, the queues follow-ups go to, the clock, a log. */
export interface JobContext {
  db: Database;
  jobs: FollowUpQueues;
  clock: Clock;
  log: {
    info(object: object, message: string): void;
    warn(object: object, message: string): void;
  };
}
