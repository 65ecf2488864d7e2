export * from "./condition-reasons.js";
export * from "./deployment-crd.js";
export * from "./deployment-path.js";
export * from "./deployment-schema.js";
export * from "./deployment-types.js";
export * from "./schema-types.js";
