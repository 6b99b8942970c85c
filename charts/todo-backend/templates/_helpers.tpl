{{/*
The names todoctl validate looks for. The templates themselves are in the todo-common library
chart (charts/todo-common/README.md); this chart keeps only what is the API's own.
*/}}
{{- define "todo-backend.name" -}}{{ include "todo-common.name" . }}{{- end }}
{{- define "todo-backend.fullname" -}}{{ include "todo-common.fullname" . }}{{- end }}
{{- define "todo-backend.selectorLabels" -}}{{ include "todo-common.selectorLabels" . }}{{- end }}

{{/* Standard labels: the API is "backend" in the NetworkPolicy topology (ingress -> frontend -> backend -> database). */}}
{{- define "todo-backend.labels" -}}{{ include "todo-common.labels" (dict "ctx" . "component" "backend") }}{{- end }}

{{/* Cross-field checks the JSON schema cannot express: todo-common's, then the API's own. Each message says what to change. */}}
{{- define "todo-backend.validateValues" -}}
{{- $errors := include "todo-common.validateValues" . | fromJsonArray }}
{{- if not .Values.existingSecret }}
{{- $errors = append $errors "existingSecret is empty: name the Secret holding the keys listed in secretKeys (create it with kubectl create secret generic <name> --from-literal=...); secret values are never templated" }}
{{- end }}
{{- if and .Values.networkPolicy.enabled (ne .Values.environment "dev") (not .Values.networkPolicy.database.cidr) }}
{{- $errors = append $errors (printf "networkPolicy.database.cidr is empty in %s: set it to the CIDR of the external PostgreSQL so egress to it is allowed" .Values.environment) }}
{{- end }}
{{- include "todo-common.failOnErrors" (dict "ctx" . "errors" $errors) }}
{{- end }}
