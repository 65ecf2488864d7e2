export * from "./dir-lock.js";
export * from "./go-env.js";
