{{/*
Lowest replica count the workload can run with: HPA floor or the fixed replica count.
Takes the root context; reads .Values.autoscaling.enabled/minReplicas and .Values.replicaCount.
*/}}
{{- define "todo-common.minReplicas" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{/*
Replica count to render. With autoscaling the HPA owns the count: keep what is running (lookup;
empty under helm template) but never start below the HPA floor, so staging/prod come up with
2 pods before the HPA has metrics, and an upgrade does not reset a scaled-out Deployment.
*/}}
{{- define "todo-common.replicas" -}}
{{- if .Values.autoscaling.enabled }}
{{- $current := 0 }}
{{- $existing := lookup "apps/v1" "Deployment" .Release.Namespace (include "todo-common.fullname" .) }}
{{- if and $existing $existing.spec $existing.spec.replicas }}{{ $current = int $existing.spec.replicas }}{{ end }}
{{- max (int .Values.autoscaling.minReplicas) $current }}
{{- else }}
{{- .Values.replicaCount }}
{{- end }}
{{- end }}
