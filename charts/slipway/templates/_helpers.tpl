{{/* <release>-operator, cut to a DNS label. */}}
{{- define "slipway.operator.fullname" -}}
{{- printf "%s-operator" .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "slipway.operator.serviceAccountName" -}}
{{- default (include "slipway.operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "slipway.operator.selectorLabels" -}}
app.kubernetes.io/name: slipway-operator
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "slipway.operator.labels" -}}
{{ include "slipway.operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}
