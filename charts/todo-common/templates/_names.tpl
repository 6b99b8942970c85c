{{/*
Names. Each takes the calling chart's root context: include "todo-common.fullname" .
*/}}

{{/* Chart name, truncated to the 63 characters DNS labels allow. Reads .Values.nameOverride. */}}
{{- define "todo-common.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name; the release name is not repeated when it already contains the chart
name. Reads .Values.fullnameOverride and .Values.nameOverride.
*/}}
{{- define "todo-common.fullname" -}}
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

{{/* <chart name>-<chart version>, the helm.sh/chart label. */}}
{{- define "todo-common.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* .Values.serviceAccount.name, or the fullname. */}}
{{- define "todo-common.serviceAccountName" -}}
{{- default (include "todo-common.fullname" .) .Values.serviceAccount.name }}
{{- end }}
