{{/*
What the operator needs on the apps it reconciles, and no more: the one source of these rules.
operator/test/chart.test.ts runs the operator as the chart's ServiceAccount (impersonated)
against a real apiserver, so a missing rule fails a test.
*/}}
{{- define "slipway.operator.rules" -}}
- apiGroups: ["slipway.dev"]
  resources: ["deployments"]
  verbs: ["get", "list", "watch"]
- apiGroups: ["slipway.dev"]
  resources: ["deployments/status"]
  verbs: ["update"]
# blockOwnerDeletion on the children's owner references needs this.
- apiGroups: ["slipway.dev"]
  resources: ["deployments/finalizers"]
  verbs: ["update"]
# Server-side apply creates (create + patch) and updates (patch); children are read from
# list/watch caches only.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["autoscaling"]
  resources: ["horizontalpodautoscalers"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["policy"]
  resources: ["poddisruptionbudgets"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["list", "watch", "create", "patch", "delete"]
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "watch"]
{{- end -}}
