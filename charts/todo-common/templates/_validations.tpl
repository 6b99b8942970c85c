{{/*
The cross-field checks every app chart makes (the JSON schema cannot express them), as a JSON
list of messages; each says what to change. Takes the root context. A chart's own
validateValues adds its checks and fails with the whole list:
  {{- $errors := include "todo-common.validateValues" . | fromJsonArray }}
  ...
  {{- include "todo-common.failOnErrors" (dict "ctx" . "errors" $errors) }}
*/}}
{{- define "todo-common.validateValues" -}}
{{- $errors := list }}
{{- $tag := include "todo-common.imageTag" . }}
{{- if not (regexMatch "^(dev-[0-9a-f]{7,40}|v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?)$" $tag) }}
{{- $errors = append $errors (printf "image.tag %q is not allowed: use dev-<short-sha> (e.g. dev-1a2b3c4) or v<semver> (e.g. v1.2.3); never latest" $tag) }}
{{- end }}
{{- if and (has .Values.environment (list "staging" "prod")) (lt (int (include "todo-common.minReplicas" .)) 2) }}
{{- $errors = append $errors (printf "environment %s needs at least 2 replicas: set autoscaling.minReplicas (or replicaCount when autoscaling.enabled=false) to 2 or more" .Values.environment) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (lt (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) }}
{{- $errors = append $errors "autoscaling.maxReplicas must be >= autoscaling.minReplicas" }}
{{- end }}
{{- toJson $errors }}
{{- end }}

{{/*
Fails the render when errors (a list of messages) is not empty, naming the chart:
  include "todo-common.failOnErrors" (dict "ctx" . "errors" $errors)
*/}}
{{- define "todo-common.failOnErrors" -}}
{{- if .errors }}
{{- fail (printf "\n\n%s values are invalid:\n  - %s\n" .ctx.Chart.Name (join "\n  - " .errors)) }}
{{- end }}
{{- end }}
