/**
 * Sentinel as a plain Deployment the install test applies itself, from the Sentinel image
 * `npm run images` makes: the chart does not template Sentinel yet (another branch adds it);
 * at merge the test switches to the chart's. Least privilege as the issue asks: its
 * ServiceAccount may only list and watch EndpointSlices.
 */
export const SENTINEL_PORT = 8080;
const ADMIN_PORT = 9090;

export interface SentinelWorkloadInput {
  namespace: string;
  image: string;
  /** The Secret holding DATABASE_URL and REDIS_URL (the control plane's). */
  secretName: string;
}

export function makeSentinelObjects(input: SentinelWorkloadInput) {
  const name = "slipway-sentinel";
  const labels = { "app.kubernetes.io/name": name };
  const fromSecret = (key: string) => ({
    name: key,
    valueFrom: { secretKeyRef: { name: input.secretName, key } },
  });
  return [
    {
      path: `/api/v1/namespaces/${input.namespace}/serviceaccounts/${name}`,
      body: {
        apiVersion: "v1",
        kind: "ServiceAccount",
        metadata: { name, namespace: input.namespace },
      },
    },
    {
      path: `/apis/rbac.authorization.k8s.io/v1/clusterroles/${name}`,
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRole",
        metadata: { name },
        rules: [
          {
            apiGroups: ["discovery.k8s.io"],
            resources: ["endpointslices"],
            verbs: ["list", "watch"],
          },
        ],
      },
    },
    {
      path: `/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/${name}`,
      body: {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: { name },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name },
        subjects: [{ kind: "ServiceAccount", name, namespace: input.namespace }],
      },
    },
    {
      path: `/apis/apps/v1/namespaces/${input.namespace}/deployments/${name}`,
      body: {
        apiVersion: "apps/v1",
        kind: "Deployment",
        metadata: { name, namespace: input.namespace, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              serviceAccountName: name,
              enableServiceLinks: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 1000,
                runAsGroup: 1000,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "sentinel",
                  image: input.image,
                  imagePullPolicy: "IfNotPresent",
                  env: [
                    { name: "SLIPWAY_REGION", value: "eu-1" },
                    fromSecret("DATABASE_URL"),
                    fromSecret("REDIS_URL"),
                    { name: "SENTINEL_HOST", value: "0.0.0.0" },
                    { name: "SENTINEL_PORT", value: String(SENTINEL_PORT) },
                    { name: "SENTINEL_ADMIN_HOST", value: "0.0.0.0" },
                    { name: "SENTINEL_ADMIN_PORT", value: String(ADMIN_PORT) },
                    { name: "SENTINEL_WORKERS", value: "1" },
                  ],
                  ports: [
                    { name: "http", containerPort: SENTINEL_PORT },
                    { name: "admin", containerPort: ADMIN_PORT },
                  ],
                  readinessProbe: {
                    httpGet: { path: "/readyz", port: "admin" },
                    periodSeconds: 2,
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    privileged: false,
                    capabilities: { drop: ["ALL"] },
                  },
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
            },
          },
        },
      },
    },
  ];
}
