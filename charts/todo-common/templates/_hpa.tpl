{{/*
HorizontalPodAutoscaler on CPU and memory, when .Values.autoscaling.enabled.
Takes (dict "ctx" . "component" "<role>"); reads .Values.autoscaling.
*/}}
{{- define "todo-common.hpa" -}}
{{- $ctx := .ctx }}
{{- if $ctx.Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "todo-common.fullname" $ctx }}
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "todo-common.fullname" $ctx }}
  minReplicas: {{ $ctx.Values.autoscaling.minReplicas }}
  maxReplicas: {{ $ctx.Values.autoscaling.maxReplicas }}
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: {{ $ctx.Values.autoscaling.targetCPUUtilizationPercentage }}
    - type: Resource
      resource:
        name: memory
        target:
          type: Utilization
          averageUtilization: {{ $ctx.Values.autoscaling.targetMemoryUtilizationPercentage }}
{{- end }}
{{- end }}
