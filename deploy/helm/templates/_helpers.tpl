{{/* Names */}}
{{- define "trivy-operator.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "trivy-operator.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "trivy-operator.namespace" -}}
{{- default .Release.Namespace .Values.operator.namespace -}}
{{- end -}}

{{- define "trivy-operator.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "trivy-operator.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* Labels */}}
{{- define "trivy-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ include "trivy-operator.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "trivy-operator.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "trivy-operator.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Values.managedBy }}
{{- end -}}

{{/*
Whether a repository starts with a registry host (its first path component has a dot or a colon, or is localhost),
as in "registry.example.com/team/app": older charts had users write image.repository and trivy.dbRepository so.
*/}}
{{- define "trivy-operator.hasHost" -}}
{{- $first := first (splitList "/" (toString .)) -}}
{{- if and (contains "/" (toString .)) (or (contains "." $first) (contains ":" $first) (eq $first "localhost")) -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/*
The operator's image. Scan Jobs run the same image (OPERATOR_IMAGE), so a digest pins both.
*/}}
{{- define "trivy-operator.image" -}}
{{- $registry := default .Values.image.registry .Values.global.image.registry -}}
{{- $repository := .Values.image.repository -}}
{{- $name := ternary $repository (printf "%s/%s" $registry $repository) (or (empty $registry) (eq (include "trivy-operator.hasHost" $repository) "true")) -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" $name .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" $name (default .Chart.AppVersion (toString .Values.image.tag)) -}}
{{- end -}}
{{- end -}}

{{/*
Go's strconv.ParseBool, for values that upstream writes as booleans or as strings ("true"): renders "true" or
"false". The schema allows only the spellings ParseBool accepts.
*/}}
{{- define "trivy-operator.bool" -}}
{{- $text := toString . -}}
{{- if has $text (list "true" "True" "TRUE" "t" "T" "1") -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/*
A value that is either a string or a number, as text ("" for null).
*/}}
{{- define "trivy-operator.text" -}}
{{- if kindIs "invalid" . -}}{{- else if kindIs "float64" . -}}{{ int64 . }}{{- else -}}{{ toString . }}{{- end -}}
{{- end -}}

{{/*
trivy.dbRepository: "<dbRegistry>/<dbRepository>", except for entries that already start with a registry host. A
comma list keeps its order.
*/}}
{{- define "trivy-operator.dbRepository" -}}
{{- $registry := .Values.trivy.dbRegistry -}}
{{- $entries := list -}}
{{- range $entry := splitList "," (toString .Values.trivy.dbRepository) -}}
{{- $entry = trim $entry -}}
{{- if $entry -}}
{{- if or (eq (include "trivy-operator.hasHost" $entry) "true") (empty $registry) -}}
{{- $entries = append $entries $entry -}}
{{- else -}}
{{- $entries = append $entries (printf "%s/%s" $registry $entry) -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- join "," $entries -}}
{{- end -}}

{{/*
Whether leader election is on: upstream turns it on for more than one replica.
*/}}
{{- define "trivy-operator.leaderElection" -}}
{{- if gt (int .Values.operator.replicas) 1 -}}true{{- else -}}false{{- end -}}
{{- end -}}

{{/*
The kinds of trivy.supportedConfigAuditKinds that the config audit reads, as a list of lower-case kind names:
"Workload" expands to the workload kinds; workload kinds count only when they are in targetWorkloads (the operator
reports Deployments through ReplicaSets); Role and ClusterRole only with the RBAC assessment on. Empty when the
config audit is off. Mirrors auditedKinds() in src/operator/config-audit/audited-kinds.ts.
*/}}
{{- define "trivy-operator.auditedKinds" -}}
{{- $kinds := list -}}
{{- if eq (include "trivy-operator.bool" .Values.operator.configAuditScannerEnabled) "true" -}}
{{- $workloads := list "pod" "replicaset" "replicationcontroller" "statefulset" "daemonset" "cronjob" "job" -}}
{{- $targets := list -}}
{{- range splitList "," (lower .Values.targetWorkloads) -}}
{{- $targets = append $targets (trim .) -}}
{{- end -}}
{{- $rbac := eq (include "trivy-operator.bool" .Values.operator.rbacAssessmentScannerEnabled) "true" -}}
{{- range splitList "," (lower .Values.trivy.supportedConfigAuditKinds) -}}
{{- $kind := trim . -}}
{{- if eq $kind "workload" -}}
{{- range $workloads -}}
{{- if has . $targets -}}{{- $kinds = append $kinds . -}}{{- end -}}
{{- end -}}
{{- else if has $kind $workloads -}}
{{- if has $kind $targets -}}{{- $kinds = append $kinds $kind -}}{{- end -}}
{{- else if has $kind (list "role" "clusterrole") -}}
{{- if $rbac -}}{{- $kinds = append $kinds $kind -}}{{- end -}}
{{- else if $kind -}}
{{- $kinds = append $kinds $kind -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- $kinds | uniq | toJson -}}
{{- end -}}

{{/*
Names of the namespaces that get RoleBindings instead of a ClusterRoleBinding (targets plus the operator's own, which
the operator always watches), as a JSON list; empty when the permissions are cluster-wide.
*/}}
{{- define "trivy-operator.scopedNamespaces" -}}
{{- $namespaces := list -}}
{{- if and .Values.rbac.scopeToTargetNamespaces (trim .Values.targetNamespaces) -}}
{{- range splitList "," .Values.targetNamespaces -}}
{{- if trim . -}}{{- $namespaces = append $namespaces (trim .) -}}{{- end -}}
{{- end -}}
{{- $namespaces = append $namespaces (include "trivy-operator.namespace" .) -}}
{{- end -}}
{{- $namespaces | uniq | toJson -}}
{{- end -}}
