export * from "./config-snapshot.js";
export * from "./deployment-activity.js";
export * from "./key-verifier.js";
export * from "./rate-limiter.js";
export * from "./request-log.js";
