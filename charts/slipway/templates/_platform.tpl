{{/*
Helpers of the platform half of the chart (control plane API, workers, builder, buildkitd).
The operator's helpers stay in _helpers.tpl.
*/}}

{{/* <release>-<component>, cut to a DNS label. */}}
{{- define "slipway.platform.fullname" -}}
{{- printf "%s-%s" .root.Release.Name .component | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "slipway.platform.selectorLabels" -}}
app.kubernetes.io/name: slipway-{{ .component }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end -}}

{{- define "slipway.platform.labels" -}}
{{ include "slipway.platform.selectorLabels" . }}
app.kubernetes.io/part-of: slipway
app.kubernetes.io/version: {{ .root.Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .root.Chart.Name .root.Chart.Version }}
{{- end -}}

{{/*
One Slipway image: the component's own repository and tag, else <image.registry>/<name> and
image.tag, else the chart's appVersion ({root, image, name}).
*/}}
{{- define "slipway.image" -}}
{{- $global := .root.Values.image -}}
{{- $repository := .image.repository | default (printf "%s/%s" (trimSuffix "/" $global.registry) .name) -}}
{{- $tag := .image.tag | default $global.tag | default .root.Chart.AppVersion -}}
{{- printf "%s:%s" $repository (toString $tag) -}}
{{- end -}}

{{- define "slipway.imagePullPolicy" -}}
{{- .image.pullPolicy | default .root.Values.image.pullPolicy -}}
{{- end -}}

{{- define "slipway.controlPlane.image" -}}
{{- include "slipway.image" (dict "root" . "image" .Values.controlPlane.image "name" "control-plane") -}}
{{- end -}}

{{- define "slipway.worker.serviceAccountName" -}}
{{- default (include "slipway.platform.fullname" (dict "root" . "component" "worker")) .Values.controlPlane.worker.serviceAccount.name -}}
{{- end -}}

{{- define "slipway.buildkit.fullname" -}}
{{- include "slipway.platform.fullname" (dict "root" . "component" "buildkitd") -}}
{{- end -}}

{{/*
The Secret one variable is read from: the chart's generated Secret for DATABASE_URL / REDIS_URL
when the bundled PostgreSQL / Redis is on, else controlPlane.secrets.<VARIABLE>.name, else
controlPlane.existingSecret ({root, variable}; empty when none is named).
*/}}
{{- define "slipway.secretName" -}}
{{- $values := .root.Values -}}
{{- $bundled := dict "DATABASE_URL" $values.bundled.postgresql.enabled "REDIS_URL" $values.bundled.redis.enabled -}}
{{- if get $bundled .variable -}}
{{- include "slipway.bundled.secretName" .root -}}
{{- else -}}
{{- $ref := get $values.controlPlane.secrets .variable | default dict -}}
{{- $ref.name | default $values.controlPlane.existingSecret -}}
{{- end -}}
{{- end -}}

{{/*
One env entry read from a Secret, never a value ({root, variable, as?, optional?}). A required
one without a Secret stops the render naming the value to set; an optional one without a
Secret is left out.
*/}}
{{- define "slipway.secretEnv" -}}
{{- $ref := get .root.Values.controlPlane.secrets .variable | default dict -}}
{{- $name := include "slipway.secretName" . -}}
{{- if not .optional -}}
{{- $name = required (printf "controlPlane.existingSecret (or controlPlane.secrets.%s.name) is required: the name of an existing Secret holding %s under the key %q" .variable .variable ($ref.key | default .variable)) $name -}}
{{- end -}}
{{- $key := $ref.key | default .variable -}}
{{- if eq $name (include "slipway.bundled.secretName" .root) -}}
{{- $key = .variable -}}
{{- end -}}
{{- if $name -}}
- name: {{ .as | default .variable }}
  valueFrom:
    secretKeyRef:
      name: {{ $name | quote }}
      key: {{ $key | quote }}
      {{- if .optional }}
      optional: true
      {{- end }}
{{- end -}}
{{- end -}}

{{/*
The control plane's environment, shared by the API, the workers and the builder workers.
Secret values are only ever referenced (secretKeyRef), never rendered; the three the control
plane cannot start without are required, the GitHub App's are optional keys. The Sentinel
token goes to the API alone (slipway.sentinel.tokenEnv).
*/}}
{{- define "slipway.controlPlane.env" -}}
{{- $root := . -}}
{{- $cp := .Values.controlPlane -}}
{{- $required := list "DATABASE_URL" "REDIS_URL" "SLIPWAY_ENCRYPTION_KEYS" -}}
{{- range $variable, $ref := $cp.secrets }}
{{- if ne $variable "SLIPWAY_SENTINEL_TOKEN" }}
{{- with include "slipway.secretEnv" (dict "root" $root "variable" $variable "optional" (not (has $variable $required))) }}
{{ . }}
{{- end }}
{{- end }}
{{- end }}
- name: SLIPWAY_APPS_NAMESPACE
  value: {{ .Values.apps.namespace | quote }}
{{- include "slipway.plainEnv" (dict "env" $cp.env "secrets" $cp.secrets "path" "controlPlane.env") }}
{{- end -}}

{{/*
Plain settings as env entries ({env, secrets, path}): empty ones left out, a secret's name
refused (secrets go in controlPlane.secrets, a Secret reference).
*/}}
{{- define "slipway.plainEnv" -}}
{{- $secrets := .secrets -}}
{{- $path := .path -}}
{{- range $variable, $value := .env }}
{{- if has $variable (keys $secrets) }}
{{- fail (printf "%s.%s: secrets go in controlPlane.secrets (a Secret reference), never in values" $path $variable) }}
{{- end }}
{{- if ne (toString $value) "" }}
- name: {{ $variable }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/*
Pod and container hardening of every Slipway process (non-root, nothing writable but /tmp):
{runAsUser}. operator/test/chart/least-privilege.test.ts checks every pod the chart renders.
*/}}
{{- define "slipway.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .runAsUser }}
runAsGroup: {{ .runAsUser }}
fsGroup: {{ .runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "slipway.controlPlane.podSecurityContext" -}}
{{- include "slipway.podSecurityContext" (dict "runAsUser" .Values.controlPlane.runAsUser) -}}
{{- end -}}

{{- define "slipway.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end -}}

{{- define "slipway.controlPlane.containerSecurityContext" -}}
{{- include "slipway.containerSecurityContext" . -}}
{{- end -}}

{{/* The writable /tmp of a read-only root filesystem ({sizeLimit}): the volume. */}}
{{- define "slipway.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .sizeLimit }}
{{- end -}}

{{/* Scheduling values of one component ({nodeSelector, tolerations, affinity}). */}}
{{- define "slipway.platform.scheduling" -}}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/*
How migrations run: "hook" (a pre-install/pre-upgrade Job, control-plane-migrate.yaml),
"initContainer" (before the control plane's containers in each of its pods; forced with the
bundled PostgreSQL, which a pre-install hook would run before it exists) or "off". The runner's
advisory lock makes either apply each migration once, never two at a time.
*/}}
{{- define "slipway.migrations.mode" -}}
{{- $migrations := .Values.controlPlane.migrations -}}
{{- if not $migrations.enabled -}}
off
{{- else if .Values.bundled.postgresql.enabled -}}
initContainer
{{- else -}}
{{- $migrations.mode -}}
{{- end -}}
{{- end -}}

{{/*
The migrate step's environment (the hook Job or the init container): the database, and the
first root key of a new install when the Secret holds one (optional key
SLIPWAY_BOOTSTRAP_ROOT_KEY: control-plane/src/services/bootstrap-given-root-key.ts). Only
migrate reads it.
*/}}
{{- define "slipway.migrations.env" -}}
{{ include "slipway.secretEnv" (dict "root" . "variable" "DATABASE_URL") }}
{{ include "slipway.secretEnv" (dict "root" . "variable" "SLIPWAY_BOOTSTRAP_ROOT_KEY" "optional" true) }}
{{- end -}}

{{/* The migrate init container of a control-plane pod, in initContainer mode. */}}
{{- define "slipway.migrations.initContainers" -}}
{{- if eq (include "slipway.migrations.mode" .) "initContainer" }}
{{- $cp := .Values.controlPlane }}
initContainers:
  - name: migrate
    image: {{ include "slipway.controlPlane.image" . | quote }}
    imagePullPolicy: {{ include "slipway.imagePullPolicy" (dict "root" . "image" $cp.image) }}
    workingDir: {{ $cp.workingDir | quote }}
    command:
      {{- toYaml $cp.migrations.command | nindent 6 }}
    env:
      {{- include "slipway.migrations.env" . | nindent 6 }}
    resources:
      {{- toYaml $cp.api.resources | nindent 6 }}
    securityContext:
      {{- include "slipway.containerSecurityContext" . | nindent 6 }}
    volumeMounts:
      - name: tmp
        mountPath: /tmp
{{- end }}
{{- end -}}

{{/* Sentinel is installed (it needs the control plane's Secret and the apps namespace). */}}
{{- define "slipway.sentinel.enabled" -}}
{{- if and .Values.controlPlane.enabled .Values.sentinel.enabled }}true{{ end -}}
{{- end -}}

{{/* Sentinel wakes idle deployments through the API (both then need the shared token). */}}
{{- define "slipway.sentinel.wakes" -}}
{{- if and (include "slipway.sentinel.enabled" .) .Values.sentinel.wake.enabled }}true{{ end -}}
{{- end -}}

{{/*
The wake token of the API (SLIPWAY_SENTINEL_TOKEN) and of Sentinel (SENTINEL_CONTROL_PLANE_TOKEN):
one Secret key read by both ({root, as}); required when Sentinel wakes, else optional.
*/}}
{{- define "slipway.sentinel.tokenEnv" -}}
{{- include "slipway.secretEnv" (dict "root" .root "variable" "SLIPWAY_SENTINEL_TOKEN" "as" .as "optional" (not (include "slipway.sentinel.wakes" .root))) -}}
{{- end -}}

{{- define "slipway.sentinel.serviceAccountName" -}}
{{- default (include "slipway.platform.fullname" (dict "root" . "component" "sentinel")) .Values.sentinel.serviceAccount.name -}}
{{- end -}}

{{/* <release>-sentinel-<region> ({root, region}). */}}
{{- define "slipway.sentinel.fullname" -}}
{{- include "slipway.platform.fullname" (dict "root" .root "component" (printf "sentinel-%s" .region)) -}}
{{- end -}}

{{- define "slipway.sentinel.selectorLabels" -}}
{{ include "slipway.platform.selectorLabels" (dict "root" .root "component" "sentinel") }}
slipway.dev/sentinel-region: {{ .region }}
{{- end -}}

{{- define "slipway.sentinel.labels" -}}
{{ include "slipway.platform.labels" (dict "root" .root "component" "sentinel") }}
slipway.dev/sentinel-region: {{ .region }}
{{- end -}}

{{/*
A `helm test` Pod ({root, component, url, hostHeader, expect}): node's http client (the
control-plane image has node; nothing is pulled) sends one GET. expect "ready": 200;
"unknown-host": Sentinel's 404 in the API's error envelope, which proves it routes.
*/}}
{{- define "slipway.test.pod" -}}
{{- $root := .root -}}
{{- $cp := $root.Values.controlPlane -}}
{{- $own := $root.Values.tests.image -}}
{{- $image := dict "repository" ($own.repository | default $cp.image.repository) "tag" ($own.tag | default $cp.image.tag) "pullPolicy" ($own.pullPolicy | default $cp.image.pullPolicy) -}}
{{- $ctx := dict "root" $root "component" .component -}}
apiVersion: v1
kind: Pod
metadata:
  name: {{ include "slipway.platform.fullname" $ctx }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "slipway.platform.labels" $ctx | nindent 4 }}
  annotations:
    helm.sh/hook: test
    helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
spec:
  restartPolicy: Never
  automountServiceAccountToken: false
  enableServiceLinks: false
  {{- with $cp.imagePullSecrets }}
  imagePullSecrets:
    {{- toYaml . | nindent 4 }}
  {{- end }}
  securityContext:
    {{- include "slipway.podSecurityContext" (dict "runAsUser" $cp.runAsUser) | nindent 4 }}
  containers:
    - name: check
      image: {{ include "slipway.image" (dict "root" $root "image" $image "name" "control-plane") | quote }}
      imagePullPolicy: {{ include "slipway.imagePullPolicy" (dict "root" $root "image" $image) }}
      command: ["node", "-e", {{ $root.Files.Get "files/helm-test-check.cjs" | quote }}]
      env:
        - name: SLIPWAY_TEST_URL
          value: {{ .url | quote }}
        - name: SLIPWAY_TEST_HOST
          value: {{ .hostHeader | quote }}
        - name: SLIPWAY_TEST_EXPECT
          value: {{ .expect | quote }}
      resources:
        requests:
          cpu: 10m
          memory: 32Mi
        limits:
          memory: 128Mi
      securityContext:
        {{- include "slipway.containerSecurityContext" $root | nindent 8 }}
{{- end -}}
