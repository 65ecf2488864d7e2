export { lastRefillBoundary, type RefillSchedule } from "./credit-refill.js";
export {
  type CreditWriteBack,
  startCreditWriteBack,
  writeBackCredits,
} from "./credit-write-back.js";
export { createKeyCache, type KeyCache, type KeyCacheOptions } from "./key-cache.js";
export {
  invalidationChannel,
  type KeyChange,
  publishKeyChange,
  subscribeToKeyChanges,
} from "./key-invalidation.js";
export {
  base58,
  type GeneratedKey,
  generateKey,
  hashKey,
  KeyMaterialError,
  keyByteLength,
  keyPrefixPattern,
  keyStart,
} from "./key-material.js";
export {
  type MigratedKeyInput,
  migrateApiKeys,
  migrateBatchMax,
  migratedHashPattern,
} from "./key-migration.js";
export {
  deleteKeyRow,
  type KeyRowChanges,
  lockKeyRow,
  updateKeyRow,
} from "./key-row-store.js";
export { createKeyStore, type KeyStore } from "./key-store.js";
export { type KeyVerificationOptions, startKeyVerification } from "./key-verification.js";
export {
  createKeyVerifier,
  type KeyVerifier,
  type KeyVerifierOptions,
  VerifyInputError,
  type VerifyKeyRequest,
} from "./key-verifier.js";
export {
  CreateKeyError,
  type CreateKeyErrorCode,
  type CreateKeyInput,
  createApiKey,
  maxExpires,
  type SealedKey,
  type SealKey,
  sealedKeyContext,
} from "./key-writer.js";
export type { KeysDatabase } from "./keys-database.js";
export {
  isValidPermissionName,
  permissionNameMaxLength,
  permissionNamePattern,
} from "./permission-name.js";
export {
  evaluatePermissionQuery,
  type GrantedPermissions,
  grantPermissions,
  holdsPermission,
  type PermissionQuery,
  PermissionQueryError,
  parsePermissionQuery,
  permissionQueryMaxLength,
} from "./permission-query.js";
export {
  createNamespaceCache,
  type LoadedNamespace,
  type NamespaceCache,
  type NamespaceCacheOptions,
} from "./ratelimit-namespace-cache.js";
export {
  namespaceChannel,
  publishNamespaceChange,
  subscribeToNamespaceChanges,
} from "./ratelimit-namespace-invalidation.js";
export { createNamespaceStore, type NamespaceStore } from "./ratelimit-namespace-store.js";
export {
  compileOverrides,
  matchOverride,
  type OverrideTable,
  overrideIdentifierMaxLength,
  type RatelimitOverrideRule,
} from "./ratelimit-override.js";
export {
  createIdentity,
  deleteIdentity,
  findIdentity,
  type IdentityRatelimit,
  type IdentityView,
  identityViews,
  listIdentities,
  updateIdentity,
  upsertIdentity,
} from "./rbac/identity-store.js";
export {
  changeKeyPermissions,
  changeKeyRoles,
  type GrantMode,
  type KeyGrantScope,
} from "./rbac/key-grants.js";
export {
  createPermission,
  deletePermission,
  ensurePermissions,
  findPermission,
  listPermissions,
  type PermissionView,
  permissionView,
} from "./rbac/permission-store.js";
export {
  type NamedRatelimit,
  type RatelimitOwner,
  replaceRatelimits,
} from "./rbac/ratelimit-store.js";
export {
  createRole,
  deleteRole,
  findRole,
  listRoles,
  type RoleView,
  requireRoles,
  roleViews,
  setRolePermissions,
} from "./rbac/role-store.js";
export {
  type CreditChange,
  type CreditLedger,
  createCreditLedger,
  type DueRefill,
  type SpendResult,
  type StoredBalance,
} from "./redis/credit-ledger.js";
export {
  limitInNamespaces,
  type NamespaceLimitRequest,
  type NamespaceLimitResult,
} from "./redis/namespace-limit.js";
export {
  createRatelimiter,
  type Ratelimiter,
  type RatelimiterFailures,
  RatelimitInputError,
  ratelimitDuration,
} from "./redis/ratelimiter.js";
export {
  checkWindows,
  type WindowCheck,
  type WindowOutcome,
  type WindowResult,
} from "./redis/sliding-window.js";
export { keyStateCode, planRatelimits, UnknownRatelimitError } from "./verify-decision.js";
export type * from "./verify-types.js";
