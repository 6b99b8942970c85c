{{/* Chart name, truncated to the 63 characters DNS labels allow. */}}
{{- define "todo-backend.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Fully qualified app name; the release name is not repeated when it already contains the chart name. */}}
{{- define "todo-backend.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "todo-backend.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* The service's role in the NetworkPolicy topology (ingress -> frontend -> backend -> database). */}}
{{- define "todo-backend.component" -}}
backend
{{- end }}

{{- define "todo-backend.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-backend.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "todo-backend.labels" -}}
helm.sh/chart: {{ include "todo-backend.chart" . }}
{{ include "todo-backend.selectorLabels" . }}
app.kubernetes.io/component: {{ include "todo-backend.component" . }}
app.kubernetes.io/part-of: todo
app.kubernetes.io/version: {{ include "todo-backend.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
todo.dev/environment: {{ .Values.environment }}
{{- end }}

{{- define "todo-backend.serviceAccountName" -}}
{{- default (include "todo-backend.fullname" .) .Values.serviceAccount.name }}
{{- end }}

{{- define "todo-backend.imageTag" -}}
{{- default (printf "v%s" .Chart.AppVersion) .Values.image.tag }}
{{- end }}

{{- define "todo-backend.image" -}}
{{- $ref := printf "%s:%s" .Values.image.repository (include "todo-backend.imageTag" .) }}
{{- if .Values.image.digest }}{{ $ref = printf "%s@%s" $ref .Values.image.digest }}{{ end }}
{{- $ref }}
{{- end }}

{{/* Lowest replica count the workload can run with: HPA floor or the fixed replica count. */}}
{{- define "todo-backend.minReplicas" -}}
{{- if .Values.autoscaling.enabled }}{{ .Values.autoscaling.minReplicas }}{{ else }}{{ .Values.replicaCount }}{{ end }}
{{- end }}

{{/*
Replica count to render. With autoscaling the HPA owns the count: keep what is running (lookup;
empty under helm template) but never start below the HPA floor, so staging/prod come up with
2 pods before the HPA has metrics, and an upgrade does not reset a scaled-out Deployment.
*/}}
{{- define "todo-backend.replicas" -}}
{{- if .Values.autoscaling.enabled }}
{{- $current := 0 }}
{{- $existing := lookup "apps/v1" "Deployment" .Release.Namespace (include "todo-backend.fullname" .) }}
{{- if and $existing $existing.spec $existing.spec.replicas }}{{ $current = int $existing.spec.replicas }}{{ end }}
{{- max (int .Values.autoscaling.minReplicas) $current }}
{{- else }}
{{- .Values.replicaCount }}
{{- end }}
{{- end }}

{{/*
Cross-field checks the JSON schema cannot express. Each message says what to change.
*/}}
{{- define "todo-backend.validateValues" -}}
{{- $errors := list }}
{{- $tag := include "todo-backend.imageTag" . }}
{{- if not (regexMatch "^(dev-[0-9a-f]{7,40}|v[0-9]+\\.[0-9]+\\.[0-9]+(-[0-9A-Za-z.-]+)?)$" $tag) }}
{{- $errors = append $errors (printf "image.tag %q is not allowed: use dev-<short-sha> (e.g. dev-1a2b3c4) or v<semver> (e.g. v1.2.3); never latest" $tag) }}
{{- end }}
{{- if and (has .Values.environment (list "staging" "prod")) (lt (int (include "todo-backend.minReplicas" .)) 2) }}
{{- $errors = append $errors (printf "environment %s needs at least 2 replicas: set autoscaling.minReplicas (or replicaCount when autoscaling.enabled=false) to 2 or more" .Values.environment) }}
{{- end }}
{{- if and .Values.autoscaling.enabled (lt (int .Values.autoscaling.maxReplicas) (int .Values.autoscaling.minReplicas)) }}
{{- $errors = append $errors "autoscaling.maxReplicas must be >= autoscaling.minReplicas" }}
{{- end }}
{{- if not .Values.existingSecret }}
{{- $errors = append $errors "existingSecret is empty: name the Secret holding the keys listed in secretKeys (create it with kubectl create secret generic <name> --from-literal=...); secret values are never templated" }}
{{- end }}
{{- if and .Values.networkPolicy.enabled (ne .Values.environment "dev") (not .Values.networkPolicy.database.cidr) }}
{{- $errors = append $errors (printf "networkPolicy.database.cidr is empty in %s: set it to the CIDR of the external PostgreSQL so egress to it is allowed" .Values.environment) }}
{{- end }}
{{- if $errors }}
{{- fail (printf "\n\ntodo-backend values are invalid:\n  - %s\n" (join "\n  - " $errors)) }}
{{- end }}
{{- end }}
