{{/* Selector labels. Takes the calling chart's root context. */}}
{{- define "todo-common.selectorLabels" -}}
app.kubernetes.io/name: {{ include "todo-common.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Standard labels. Takes a dict:
  ctx        the calling chart's root context (required)
  component  app.kubernetes.io/component, the role in the NetworkPolicy topology
             (ingress -> frontend -> backend -> database); left out when empty
  name       app.kubernetes.io/name when it is not the chart's (todo-common.name)
  version    app.kubernetes.io/version when it is not the image tag (todo-common.imageTag)
e.g. include "todo-common.labels" (dict "ctx" . "component" "backend")
*/}}
{{- define "todo-common.labels" -}}
{{- $ctx := .ctx -}}
helm.sh/chart: {{ include "todo-common.chart" $ctx }}
{{- if .name }}
app.kubernetes.io/name: {{ .name }}
app.kubernetes.io/instance: {{ $ctx.Release.Name }}
{{- else }}
{{ include "todo-common.selectorLabels" $ctx }}
{{- end }}
{{- with .component }}
app.kubernetes.io/component: {{ . }}
{{- end }}
app.kubernetes.io/part-of: todo
{{- if hasKey . "version" }}
app.kubernetes.io/version: {{ .version | quote }}
{{- else }}
app.kubernetes.io/version: {{ include "todo-common.imageTag" $ctx | quote }}
{{- end }}
app.kubernetes.io/managed-by: {{ $ctx.Release.Service }}
todo.dev/environment: {{ $ctx.Values.environment }}
{{- end }}
