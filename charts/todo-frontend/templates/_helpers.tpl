{{/*
The names todoctl validate looks for. The templates themselves are in the todo-common library
chart (charts/todo-common/README.md); this chart keeps only what is the UI's own.
*/}}
{{- define "todo-frontend.name" -}}{{ include "todo-common.name" . }}{{- end }}
{{- define "todo-frontend.fullname" -}}{{ include "todo-common.fullname" . }}{{- end }}
{{- define "todo-frontend.selectorLabels" -}}{{ include "todo-common.selectorLabels" . }}{{- end }}

{{/* Standard labels: the UI is "frontend" in the NetworkPolicy topology (ingress -> frontend -> backend -> database). */}}
{{- define "todo-frontend.labels" -}}{{ include "todo-common.labels" (dict "ctx" . "component" "frontend") }}{{- end }}

{{/* Cross-field checks the JSON schema cannot express: todo-common's, then the UI's own. Each message says what to change. */}}
{{- define "todo-frontend.validateValues" -}}
{{- $errors := include "todo-common.validateValues" . | fromJsonArray }}
{{- if and .Values.secretKeys (not .Values.existingSecret) }}
{{- $errors = append $errors "existingSecret is empty but secretKeys lists keys: name the Secret holding them (kubectl create secret generic <name> --from-literal=...); secret values are never templated" }}
{{- end }}
{{- include "todo-common.failOnErrors" (dict "ctx" . "errors" $errors) }}
{{- end }}
