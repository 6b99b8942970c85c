{{/*
The release's NetworkPolicies, when .Values.networkPolicy.enabled: default deny; the workload's
own policy (callers -> http port, the monitoring namespace -> metrics port, egress to DNS and
what the chart adds); with .Values.tests.enabled, the helm test pod's policy. Takes a dict:
  ctx        the calling chart's root context (required)
  component  app.kubernetes.io/component (required)
  role       what the workload is, in the comments: API, UI (required)
  comment    comment lines (each "# ...") above the workload's policy (required)
  callers    YAML list of the peers that may call the http port, besides the helm test pod
  egress     YAML list of the egress rules besides DNS
Reads .Values: networkPolicy.enabled/monitoringNamespace/dns, containerPort, metrics.port, tests.enabled.
*/}}
{{- define "todo-common.networkPolicy" -}}
{{- $ctx := .ctx }}
{{- $np := $ctx.Values.networkPolicy }}
{{- if $np.enabled }}
# Default deny: nothing in or out of this release's namespace unless a policy below allows it.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "todo-common.fullname" $ctx }}-default-deny
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
spec:
  podSelector: {}
  policyTypes: [Ingress, Egress]
---
{{ .comment }}
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "todo-common.fullname" $ctx }}
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      {{- include "todo-common.selectorLabels" $ctx | nindent 6 }}
      app.kubernetes.io/component: {{ .component }}
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        {{- with .callers }}
        {{- . | nindent 8 }}
        {{- end }}
        - podSelector:
            matchLabels:
              app.kubernetes.io/component: helm-test
              app.kubernetes.io/instance: {{ $ctx.Release.Name }}
      ports:
        - port: {{ $ctx.Values.containerPort }}
          protocol: TCP
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: {{ $np.monitoringNamespace }}
      ports:
        - port: {{ $ctx.Values.metrics.port }}
          protocol: TCP
  egress:
    {{- include "todo-common.networkPolicy.dnsEgress" $ctx | nindent 4 }}
    {{- with .egress }}
    {{- . | nindent 4 }}
    {{- end }}
{{- if $ctx.Values.tests.enabled }}
---
# The helm test pod may call the {{ .role }} and resolve its name, nothing else.
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: {{ include "todo-common.fullname" $ctx }}-helm-test
  labels:
    {{- include "todo-common.labels" . | nindent 4 }}
spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/component: helm-test
      app.kubernetes.io/instance: {{ $ctx.Release.Name }}
  policyTypes: [Ingress, Egress]
  egress:
    {{- include "todo-common.networkPolicy.dnsEgress" $ctx | nindent 4 }}
    - to:
        - podSelector:
            matchLabels:
              {{- include "todo-common.selectorLabels" $ctx | nindent 14 }}
      ports:
        - port: {{ $ctx.Values.containerPort }}
          protocol: TCP
{{- end }}
{{- end }}
{{- end }}

{{/* Egress rule to the cluster DNS (UDP and TCP). Takes the root context; reads .Values.networkPolicy.dns. */}}
{{- define "todo-common.networkPolicy.dnsEgress" -}}
{{- $dns := .Values.networkPolicy.dns -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: {{ $dns.namespace }}
  ports:
    - port: {{ $dns.port }}
      protocol: UDP
    - port: {{ $dns.port }}
      protocol: TCP
{{- end }}
