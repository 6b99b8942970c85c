{{/* Image tag: .Values.image.tag, or v<appVersion>. Takes the calling chart's root context. */}}
{{- define "todo-common.imageTag" -}}
{{- default (printf "v%s" .Chart.AppVersion) .Values.image.tag }}
{{- end }}

{{/* <image.repository>:<tag>, with @<image.digest> when one is set. Takes the root context. */}}
{{- define "todo-common.image" -}}
{{- $ref := printf "%s:%s" .Values.image.repository (include "todo-common.imageTag" .) }}
{{- if .Values.image.digest }}{{ $ref = printf "%s@%s" $ref .Values.image.digest }}{{ end }}
{{- $ref }}
{{- end }}
