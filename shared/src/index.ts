export * from "./apiserver-status.js";
export * from "./build.js";
export * from "./crd/index.js";
export * from "./deployment-status.js";
export * from "./environment-settings.js";
export * from "./errors.js";
export * from "./ids.js";
export * from "./slug.js";
