export * from "./request-logs.js";
