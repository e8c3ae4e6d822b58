{{/*
Helpers shared by the templates. Everything per service is computed by "lms.service":
the registry's entry in .Values.services merged over .Values.defaults.
*/}}

{{- define "lms.chart" -}}
{{ .Chart.Name }}-{{ .Chart.Version | replace "+" "_" }}
{{- end }}

{{/* Refuse a namespace the Istio policy (istio/) does not name. */}}
{{- define "lms.checkNamespace" -}}
{{- if ne .Release.Namespace .Values.meshNamespace -}}
{{- fail (printf "install the release into namespace %q: istio/'s principals name it (got %q)" .Values.meshNamespace .Release.Namespace) -}}
{{- end -}}
{{- end }}

{{- define "lms.tag" -}}
{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end }}

{{/* labels: dict "root" $ "name" "course" "component" "service" */}}
{{- define "lms.labels" -}}
app: lms-{{ .name }}
app.kubernetes.io/name: lms-{{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/version: {{ include "lms.tag" .root | quote }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: lms
app.kubernetes.io/managed-by: {{ .root.Release.Service }}
helm.sh/chart: {{ include "lms.chart" .root }}
{{- end }}

{{/* Pod labels: the selector's plus Istio's app/version (its telemetry and canary routing). */}}
{{- define "lms.podLabels" -}}
{{ include "lms.selectorLabels" . }}
version: {{ include "lms.tag" .root | quote }}
app.kubernetes.io/name: lms-{{ .name }}
app.kubernetes.io/component: {{ .component }}
app.kubernetes.io/part-of: lms
{{- end }}

{{- define "lms.selectorLabels" -}}
app: lms-{{ .name }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
{{- end }}

{{/* The merged values of one service, as YAML: include "lms.service" (dict "root" $ "name" $name) | fromYaml */}}
{{- define "lms.service" -}}
{{- $own := index .root.Values.services .name -}}
{{- if not (.root.Files.Get (printf "files/istio/%s.yaml" .name)) -}}
{{- fail (printf "services.%s is not in the registry (no files/istio/%s.yaml): add it to services/*/pyproject.toml and run scripts/gen_helm.py" .name .name) -}}
{{- end -}}
{{- toYaml (mergeOverwrite (deepCopy .root.Values.defaults) (deepCopy $own)) -}}
{{- end }}

{{- define "lms.image" -}}
{{ .root.Values.image.registry }}/{{ .repository }}:{{ include "lms.tag" .root }}
{{- end }}

{{/* The restricted Pod Security Standard, for every pod of the chart. */}}
{{- define "lms.podSecurityContext" -}}
runAsNonRoot: true
runAsUser: {{ .uid }}
runAsGroup: {{ .uid }}
fsGroup: {{ .uid }}
seccompProfile:
  type: RuntimeDefault
{{- end }}

{{- define "lms.containerSecurityContext" -}}
allowPrivilegeEscalation: false
readOnlyRootFilesystem: true
privileged: false
capabilities:
  drop: ["ALL"]
{{- end }}

{{/* Istio's pod annotations. */}}
{{- define "lms.istioAnnotations" -}}
{{- if .Values.istio.enabled }}
sidecar.istio.io/inject: "true"
{{- if .Values.istio.holdApplicationUntilProxyStarts }}
proxy.istio.io/config: '{"holdApplicationUntilProxyStarts": true}'
{{- end }}
{{- else }}
sidecar.istio.io/inject: "false"
{{- end }}
{{- end }}

{{/* LMS_*_SERVICE_TARGET for every registered service: where a service finds the others. */}}
{{- define "lms.targets" -}}
{{- range $name, $svc := .Values.services }}
{{- if $svc.enabled }}
LMS_{{ upper $name }}_SERVICE_TARGET: "lms-{{ $name }}.{{ $.Values.meshNamespace }}.svc.cluster.local:{{ $svc.grpcPort }}"
{{- end }}
{{- end }}
{{- end }}

{{/* The JWKS every service trusts: the user service's keys (through the gateway) and the service-token keys. */}}
{{- define "lms.jwksUrl" -}}
http://lms-gateway.{{ .Values.meshNamespace }}.svc.cluster.local:{{ .Values.gateway.service.port }}/.well-known/jwks.json
{{- if .Values.serviceTokens.enabled -}}
,file:///etc/lms/jwks/jwks.json
{{- end -}}
{{- end }}

{{/* Egress rules of every LMS pod when networkPolicy.egress.enabled. */}}
{{- define "lms.egress" -}}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: kube-system
      podSelector:
        matchLabels:
          k8s-app: kube-dns
  ports:
    - {port: 53, protocol: UDP}
    - {port: 53, protocol: TCP}
- to:
    - podSelector: {}
{{- if .Values.istio.enabled }}
- to:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: istio-system
  ports:
    - {port: 15012, protocol: TCP}
{{- end }}
{{- with .Values.networkPolicy.egress.to }}
{{ toYaml . }}
{{- end }}
{{- end }}
