export * from "./cache-dir.js";
export * from "./dir-lock.js";
export * from "./go-env.js";
export * from "./run-logged.js";
