{{/*
The names todoctl validate looks for. Names and labels come from the todo-common library chart
(charts/todo-common/README.md). This chart has no image: app.kubernetes.io/version is its appVersion.
*/}}
{{- define "todo-infrastructure.name" -}}{{ include "todo-common.name" . }}{{- end }}
{{- define "todo-infrastructure.fullname" -}}{{ include "todo-common.fullname" . }}{{- end }}
{{- define "todo-infrastructure.selectorLabels" -}}{{ include "todo-common.selectorLabels" . }}{{- end }}
{{- define "todo-infrastructure.labels" -}}{{ include "todo-common.labels" (dict "ctx" . "version" .Chart.AppVersion) }}{{- end }}

{{/* PostgreSQL names and labels (component "database" is what the backend's egress and TODO-NET-005 key on). */}}
{{- define "todo-infrastructure.postgresql.fullname" -}}
{{- printf "%s-postgresql" (include "todo-infrastructure.fullname" .) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "todo-infrastructure.postgresql.selectorLabels" -}}
app.kubernetes.io/name: postgresql
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "todo-infrastructure.postgresql.labels" -}}
{{- include "todo-common.labels" (dict "ctx" . "name" "postgresql" "component" "database" "version" .Values.postgresql.image.tag) }}
{{- end }}

{{- define "todo-infrastructure.postgresql.image" -}}
{{- $ref := printf "%s:%s" .Values.postgresql.image.repository .Values.postgresql.image.tag }}
{{- if .Values.postgresql.image.digest }}{{ $ref = printf "%s@%s" $ref .Values.postgresql.image.digest }}{{ end }}
{{- $ref }}
{{- end }}

{{/* The rule catalog, parsed once. */}}
{{- define "todo-infrastructure.catalog" -}}
{{- .Files.Get "files/rules.yaml" }}
{{- end }}

{{- define "todo-infrastructure.validateValues" -}}
{{- $errors := list }}
{{- $names := list }}
{{- range .Values.namespaces }}
{{- $names = append $names .name }}
{{- if not (has .podSecurity (list "restricted" "baseline" "privileged")) }}
{{- $errors = append $errors (printf "namespaces[%s].podSecurity %q is not a Pod Security Admission level: use restricted" .name .podSecurity) }}
{{- end }}
{{- end }}
{{- range (list "todo-dev" "todo-staging" "todo-prod" "todo-system") }}
{{- if not (has . $names) }}
{{- $errors = append $errors (printf "namespaces is missing %s: the constitution's namespace strategy needs todo-dev, todo-staging, todo-prod and todo-system" .) }}
{{- end }}
{{- end }}
{{- if and .Values.postgresql.enabled (ne .Values.environment "dev") }}
{{- $errors = append $errors (printf "postgresql.enabled is true in %s: the in-cluster database is for dev only; point the backend's existingSecret at the external database instead" .Values.environment) }}
{{- end }}
{{- if and .Values.postgresql.enabled (not .Values.postgresql.existingSecret) }}
{{- $errors = append $errors "postgresql.existingSecret is empty: name the Secret with the postgres password (kubectl create secret generic todo-postgresql --from-literal=password=...)" }}
{{- end }}
{{- if and .Values.postgresql.enabled (eq .Values.postgresql.image.tag "latest") }}
{{- $errors = append $errors "postgresql.image.tag must not be latest: pin a version such as 16.4" }}
{{- end }}
{{- if and .Values.admissionPolicies.enabled (not (.Files.Get "files/rules.yaml")) }}
{{- $errors = append $errors "files/rules.yaml is missing: run node scripts/sync-policies.mjs to copy policies/rules.yaml into the chart" }}
{{- end }}
{{- include "todo-common.failOnErrors" (dict "ctx" . "errors" $errors) }}
{{- end }}
