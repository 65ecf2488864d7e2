export * from "./partition-maintenance.js";
export * from "./partition-plan.js";
export * from "./pg-request-log-reader.js";
export * from "./pg-request-log-sink.js";
export * from "./request-log-position.js";
export * from "./request-log-query.js";
export * from "./request-log-statements.js";
export * from "./stored-record.js";
