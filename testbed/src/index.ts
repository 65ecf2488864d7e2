// For other packages that build a pinned Go tool into the same cache (the operator's helm).
export { acquireLock, makeGoEnv } from "@slipway/shared/go-build";
export { type ClusterState, writeClusterState } from "./cluster/cluster-state.js";
export type { ComponentRecord } from "./cluster/components.js";
export { compactEtcd } from "./cluster/etcd-compaction.js";
export { REGION_LABEL, ZONE_LABEL } from "./cluster/fake-nodes.js";
export { KwokNodeProvider } from "./cluster/kwok-node-provider.js";
export type { NodeProvider, NodeProviderContext } from "./cluster/node-provider.js";
export { type Cluster, startCluster } from "./cluster/start-cluster.js";
export { stopRecordedCluster } from "./cluster/stop-cluster.js";
export {
  ETCD_VERSION,
  KUBERNETES_VERSION,
  KWOK_VERSION,
  REGIONS,
  readSettings,
  type TestbedSettings,
} from "./config.js";
export * from "./errors.js";
export { ensureBinaries, readCompleteBuild } from "./go-binaries/build-binaries.js";
export {
  BUILDKITD_IMAGE_NAME,
  type BuildkitdImage,
  loadOrBuildBuildkitdImage,
} from "./images/buildkitd-image.js";
export {
  type EnsuredImage,
  ensureSlipwayImages,
} from "./images/ensure-slipway-images.js";
export {
  loadOrBuildNodeBase,
  NODE_FULL,
  NODE_SLIM,
  type NodeBaseRecipe,
} from "./images/node-base-image.js";
export { parseImageRef, pushImage } from "./images/push-image.js";
export {
  BUNDLED_POSTGRESQL,
  BUNDLED_REDIS,
  loadOrBuildStoreImage,
  type StoreImage,
} from "./images/store-images.js";
export { BUSYBOX, HTTPD_PORT, makeBusyboxHttpdImage } from "./images/test-images.js";
export { findGo } from "./prerequisites.js";
export { REAL_NODE_LABEL } from "./real-node/node-config.js";
export { cleanupDeadNodeHost } from "./real-node/node-host.js";
export {
  holdRealNodeLock,
  type RealNodeLock,
  realNodeLockFile,
} from "./real-node/real-node-lock.js";
export { DEFAULT_REAL_NODE_DIR, RealNodeProvider } from "./real-node/real-node-provider.js";
