{{/*
Service with the http and metrics ports. Takes (dict "ctx" . "component" "<role>");
reads .Values.service.type/port and .Values.metrics.port.
*/}}
{{- define "todo-common.service" -}}
{{- $ctx := .ctx -}}
apiVersion: v1
kind: Service
metadata:
  name: {{ include "todo-common.fullname" $ctx }}
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
spec:
  type: {{ $ctx.Values.service.type }}
  selector:
    {{- include "todo-common.selectorLabels" $ctx | nindent 4 }}
  ports:
    - name: http
      port: {{ $ctx.Values.service.port }}
      targetPort: http
      protocol: TCP
    - name: metrics
      port: {{ $ctx.Values.metrics.port }}
      targetPort: metrics
      protocol: TCP
{{- end }}
