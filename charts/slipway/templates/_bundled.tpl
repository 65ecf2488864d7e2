{{/*
Helpers of the bundled PostgreSQL and Redis (FOR TRIALS ONLY; bundled.yaml). The rest of the
platform's helpers are in _platform.tpl.
*/}}

{{/* The Secret the chart generates for the bundled PostgreSQL / Redis (trials only). */}}
{{- define "slipway.bundled.secretName" -}}
{{- include "slipway.platform.fullname" (dict "root" . "component" "bundled") -}}
{{- end -}}

{{/*
A bundled store (trials only): a one-pod StatefulSet with its data on a volumeClaimTemplate
and a Service ({root, component, values, name, port, dataPath, container}); `container` is the
YAML of the container's env, probes and extra mounts, the rest is the same for both.
*/}}
{{- define "slipway.bundled.statefulSet" -}}
{{- $root := .root -}}
{{- $ctx := dict "root" .root "component" .component -}}
{{- $fullname := include "slipway.platform.fullname" $ctx -}}
{{- $values := .values -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ $fullname }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "slipway.platform.labels" $ctx | nindent 4 }}
spec:
  selector:
    {{- include "slipway.platform.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: {{ .component }}
      port: {{ .port }}
      targetPort: {{ .component }}
      protocol: TCP
---
# FOR TRIALS ONLY (bundled.{{ .component }}): one pod, no replication, no backups.
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {{ $fullname }}
  namespace: {{ $root.Release.Namespace }}
  labels:
    {{- include "slipway.platform.labels" $ctx | nindent 4 }}
spec:
  serviceName: {{ $fullname }}
  replicas: 1
  selector:
    matchLabels:
      {{- include "slipway.platform.selectorLabels" $ctx | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include "slipway.platform.labels" $ctx | nindent 8 }}
    spec:
      automountServiceAccountToken: false
      enableServiceLinks: false
      securityContext:
        {{- include "slipway.podSecurityContext" (dict "runAsUser" $values.runAsUser) | nindent 8 }}
      containers:
        - name: {{ .component }}
          image: {{ include "slipway.image" (dict "root" $root "image" $values.image "name" .name) | quote }}
          imagePullPolicy: {{ include "slipway.imagePullPolicy" (dict "root" $root "image" $values.image) }}
          ports:
            - name: {{ .component }}
              containerPort: {{ .port }}
              protocol: TCP
          {{- .container | nindent 10 }}
          resources:
            {{- toYaml $values.resources | nindent 12 }}
          securityContext:
            {{- include "slipway.containerSecurityContext" $root | nindent 12 }}
          volumeMounts:
            - name: data
              mountPath: {{ .dataPath }}
            - name: tmp
              mountPath: /tmp
            - name: run
              mountPath: /var/run/{{ .component }}
      volumes:
        {{- include "slipway.tmpVolume" (dict "sizeLimit" "64Mi") | nindent 8 }}
        - name: run
          emptyDir:
            sizeLimit: 1Mi
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        {{- with $values.storage.storageClassName }}
        storageClassName: {{ . }}
        {{- end }}
        resources:
          requests:
            storage: {{ $values.storage.size }}
{{- end -}}
