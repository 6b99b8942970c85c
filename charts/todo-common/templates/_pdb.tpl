{{/*
PodDisruptionBudget, whenever the replica floor (todo-common.minReplicas) is above 1.
Takes (dict "ctx" . "component" "<role>"); reads .Values.podDisruptionBudget.minAvailable.
*/}}
{{- define "todo-common.pdb" -}}
{{- $ctx := .ctx }}
{{- if gt (int (include "todo-common.minReplicas" $ctx)) 1 }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "todo-common.fullname" $ctx }}
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
spec:
  minAvailable: {{ $ctx.Values.podDisruptionBudget.minAvailable }}
  selector:
    matchLabels:
      {{- include "todo-common.selectorLabels" $ctx | nindent 6 }}
{{- end }}
{{- end }}
