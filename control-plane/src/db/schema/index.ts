// API keys, identities, permissions and ratelimits (issue 13): owned by @slipway/keys, which
// Sentinel imports too; their migrations are generated here with the rest.
export * from "@slipway/keys/schema";
// Request logs (issue 14): owned by @slipway/request-logs, which Sentinel writes through.
export * from "@slipway/request-logs/schema";
export * from "./apps.js";
export * from "./audit-logs.js";
export * from "./deployment-logs.js";
export * from "./deployment-steps.js";
export * from "./deployments.js";
export * from "./domains.js";
export * from "./environment-variables.js";
export * from "./environments.js";
export * from "./gateway-policies.js";
export * from "./github-deliveries.js";
export * from "./github-install-flows.js";
export * from "./github-installations.js";
export * from "./github-push-claims.js";
export * from "./projects.js";
export * from "./pull-request-comments.js";
export * from "./root-keys.js";
export * from "./sessions.js";
export * from "./source-uploads.js";
export * from "./workspaces.js";
