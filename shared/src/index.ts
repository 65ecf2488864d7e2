export * from "./ids.js";
export * from "./errors.js";
export * from "./deployment-status.js";
export * from "./environment-settings.js";
export * from "./slug.js";
