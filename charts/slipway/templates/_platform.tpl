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

{{- define "slipway.controlPlane.image" -}}
{{- $image := .Values.controlPlane.image -}}
{{ $image.repository }}:{{ $image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "slipway.worker.serviceAccountName" -}}
{{- default (include "slipway.platform.fullname" (dict "root" . "component" "worker")) .Values.controlPlane.worker.serviceAccount.name -}}
{{- end -}}

{{- define "slipway.buildkit.fullname" -}}
{{- include "slipway.platform.fullname" (dict "root" . "component" "buildkitd") -}}
{{- end -}}

{{/*
The control plane's environment, shared by the API, the workers and the builder workers.
Secret values are only ever referenced (secretKeyRef), never rendered; the three the control
plane cannot start without are required, the GitHub App's are optional keys.
*/}}
{{- define "slipway.controlPlane.env" -}}
{{- $cp := .Values.controlPlane -}}
{{- $required := list "DATABASE_URL" "REDIS_URL" "SLIPWAY_ENCRYPTION_KEYS" -}}
{{- range $variable, $ref := $cp.secrets }}
{{- $name := $ref.name | default $cp.existingSecret }}
{{- if has $variable $required }}
{{- $name = required (printf "controlPlane.existingSecret (or controlPlane.secrets.%s.name) is required: the name of an existing Secret holding %s under the key %q" $variable $variable $ref.key) $name }}
{{- end }}
{{- if $name }}
- name: {{ $variable }}
  valueFrom:
    secretKeyRef:
      name: {{ $name | quote }}
      key: {{ $ref.key | quote }}
      {{- if not (has $variable $required) }}
      optional: true
      {{- end }}
{{- end }}
{{- end }}
- name: SLIPWAY_APPS_NAMESPACE
  value: {{ .Values.apps.namespace | quote }}
{{- range $variable, $value := $cp.env }}
{{- if has $variable (keys $cp.secrets) }}
{{- fail (printf "controlPlane.env.%s: secrets go in controlPlane.secrets (a Secret reference), never in values" $variable) }}
{{- end }}
{{- if ne (toString $value) "" }}
- name: {{ $variable }}
  value: {{ $value | toString | quote }}
{{- end }}
{{- end }}
{{- end -}}

{{/* Pod and container hardening of every control-plane process (non-root, nothing writable but /tmp). */}}
{{- define "slipway.controlPlane.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .Values.controlPlane.runAsUser }}
runAsGroup: {{ .Values.controlPlane.runAsUser }}
fsGroup: {{ .Values.controlPlane.runAsUser }}
seccompProfile:
  type: RuntimeDefault
{{- end -}}

{{- define "slipway.controlPlane.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
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
