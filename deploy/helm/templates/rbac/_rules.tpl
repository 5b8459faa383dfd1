{{/*
The operator's permissions, derived from what the enabled features read and write (see docs/rbac.md).
"namespaced": in every scanned namespace (bound cluster-wide, or per target namespace with RoleBindings).
"cluster": cluster-scoped objects. "own": the operator's namespace only (Role).
*/}}

{{- define "trivy-operator.rules.namespaced" -}}
{{- $op := .Values.operator -}}
{{- $bool := dict -}}
{{- range $key := list "vulnerabilityScannerEnabled" "exposedSecretScannerEnabled" "sbomGenerationEnabled" "configAuditScannerEnabled" "rbacAssessmentScannerEnabled" "infraAssessmentScannerEnabled" "accessGlobalSecretsAndServiceAccount" -}}
{{- $_ := set $bool $key (eq (include "trivy-operator.bool" (index $op $key)) "true") -}}
{{- end -}}
{{- $targets := list -}}
{{- range splitList "," (lower .Values.targetWorkloads) -}}
{{- $targets = append $targets (trim .) -}}
{{- end -}}
{{- $audited := include "trivy-operator.auditedKinds" . | fromJsonArray -}}
{{- /* Workloads: pods and Deployments always (running digests, rollouts), the target kinds, Jobs for CronJobs. */ -}}
{{- $core := list "pods" -}}
{{- if has "replicationcontroller" $targets -}}{{- $core = append $core "replicationcontrollers" -}}{{- end -}}
{{- $apps := list "deployments" -}}
{{- range $kind := list "replicaset" "statefulset" "daemonset" -}}
{{- if has $kind $targets -}}{{- $apps = append $apps (printf "%ss" $kind) -}}{{- end -}}
{{- end -}}
{{- $batch := list -}}
{{- if or (has "job" $targets) (has "cronjob" $targets) -}}{{- $batch = append $batch "jobs" -}}{{- end -}}
{{- if has "cronjob" $targets -}}{{- $batch = append $batch "cronjobs" -}}{{- end -}}
{{- /* Other audited kinds. */ -}}
{{- $auditCore := dict "service" "services" "configmap" "configmaps" "limitrange" "limitranges" "resourcequota" "resourcequotas" "persistentvolumeclaim" "persistentvolumeclaims" -}}
{{- $auditRbac := dict "role" "roles" "rolebinding" "rolebindings" -}}
{{- $auditNet := dict "networkpolicy" "networkpolicies" "ingress" "ingresses" -}}
{{- range $kind := $audited -}}
{{- with index $auditCore $kind -}}{{- $core = append $core . -}}{{- end -}}
{{- end -}}
{{- $rbacKinds := list -}}
{{- range $kind := $audited -}}
{{- with index $auditRbac $kind -}}{{- $rbacKinds = append $rbacKinds . -}}{{- end -}}
{{- end -}}
{{- $netKinds := list -}}
{{- range $kind := $audited -}}
{{- with index $auditNet $kind -}}{{- $netKinds = append $netKinds . -}}{{- end -}}
{{- end -}}
{{- $reports := list -}}
{{- if $bool.vulnerabilityScannerEnabled -}}{{- $reports = append $reports "vulnerabilityreports" -}}{{- end -}}
{{- if $bool.exposedSecretScannerEnabled -}}{{- $reports = append $reports "exposedsecretreports" -}}{{- end -}}
{{- if $bool.sbomGenerationEnabled -}}{{- $reports = append $reports "sbomreports" -}}{{- end -}}
{{- if $bool.configAuditScannerEnabled -}}
{{- $reports = append $reports "configauditreports" -}}
{{- if $bool.rbacAssessmentScannerEnabled -}}{{- $reports = append $reports "rbacassessmentreports" -}}{{- end -}}
{{- if $bool.infraAssessmentScannerEnabled -}}{{- $reports = append $reports "infraassessmentreports" -}}{{- end -}}
{{- end -}}
- apiGroups: [""]
  resources: {{ $core | uniq | toJson }}
  verbs: ["get", "list", "watch"]
- apiGroups: ["apps"]
  resources: {{ $apps | toJson }}
  verbs: ["get", "list", "watch"]
{{- if $batch }}
- apiGroups: ["batch"]
  resources: {{ $batch | toJson }}
  verbs: ["get", "list", "watch"]
{{- end }}
{{- if $rbacKinds }}
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: {{ $rbacKinds | toJson }}
  verbs: ["get", "list", "watch"]
{{- end }}
{{- if $netKinds }}
- apiGroups: ["networking.k8s.io"]
  resources: {{ $netKinds | toJson }}
  verbs: ["get", "list", "watch"]
{{- end }}
{{- if $reports }}
- apiGroups: ["aquasecurity.github.io"]
  resources: {{ $reports | toJson }}
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end }}
# Events on the workloads whose scans fail.
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- if $bool.accessGlobalSecretsAndServiceAccount }}
# Pull secrets of the scanned workloads and of their ServiceAccounts (operator.accessGlobalSecretsAndServiceAccount).
- apiGroups: [""]
  resources: ["secrets", "serviceaccounts"]
  verbs: ["get"]
{{- end }}
{{- end -}}

{{- define "trivy-operator.rules.cluster" -}}
{{- $op := .Values.operator -}}
{{- $on := dict -}}
{{- range $key := list "configAuditScannerEnabled" "rbacAssessmentScannerEnabled" "infraAssessmentScannerEnabled" "clusterComplianceEnabled" -}}
{{- $_ := set $on $key (eq (include "trivy-operator.bool" (index $op $key)) "true") -}}
{{- end -}}
{{- $audited := include "trivy-operator.auditedKinds" . | fromJsonArray -}}
{{- $reports := list -}}
{{- if $on.configAuditScannerEnabled -}}
{{- $reports = append $reports "clusterconfigauditreports" -}}
{{- if $on.rbacAssessmentScannerEnabled -}}{{- $reports = append $reports "clusterrbacassessmentreports" -}}{{- end -}}
{{- if $on.infraAssessmentScannerEnabled -}}{{- $reports = append $reports "clusterinfraassessmentreports" -}}{{- end -}}
{{- end -}}
# Nodes: the platform (os/arch) each pod runs on.
- apiGroups: [""]
  resources: ["nodes"]
  verbs: ["get", "list", "watch"]
{{- if has "persistentvolume" $audited }}
- apiGroups: [""]
  resources: ["persistentvolumes"]
  verbs: ["get", "list", "watch"]
{{- end }}
{{- $rbacKinds := list -}}
{{- if has "clusterrole" $audited -}}{{- $rbacKinds = append $rbacKinds "clusterroles" -}}{{- end -}}
{{- if has "clusterrolebinding" $audited -}}{{- $rbacKinds = append $rbacKinds "clusterrolebindings" -}}{{- end -}}
{{- if $rbacKinds }}
- apiGroups: ["rbac.authorization.k8s.io"]
  resources: {{ $rbacKinds | toJson }}
  verbs: ["get", "list", "watch"]
{{- end }}
{{- if has "customresourcedefinition" $audited }}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get", "list", "watch"]
{{- end }}
{{- if $reports }}
- apiGroups: ["aquasecurity.github.io"]
  resources: {{ $reports | toJson }}
  verbs: ["get", "list", "watch", "create", "update", "patch", "delete"]
{{- end }}
{{- if $on.clusterComplianceEnabled }}
# ClusterComplianceReports are installed by you; the operator fills their status.
- apiGroups: ["aquasecurity.github.io"]
  resources: ["clustercompliancereports"]
  verbs: ["get", "list", "watch", "update", "patch"]
- apiGroups: ["aquasecurity.github.io"]
  resources: ["clustercompliancereports/status"]
  verbs: ["get", "update", "patch"]
{{- end }}
{{- end -}}

{{- define "trivy-operator.rules.own" -}}
# The two configuration ConfigMaps (created with defaults when missing) and Secrets.
- apiGroups: [""]
  resources: ["configmaps"]
  verbs: ["get", "list", "watch", "create"]
{{- if eq (toString .Values.operator.scanMode) "Job" }}
# Secrets: the configuration Secrets, and the registry credentials of scan Jobs (owned by their Job).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["get", "list", "watch", "create", "delete"]
# Scan Job pods: their log is the analysis result.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch"]
- apiGroups: [""]
  resources: ["pods/log"]
  verbs: ["get"]
{{- else }}
# The configuration Secrets (images are analysed inside the operator: no scan Jobs).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "list", "watch"]
{{- end }}
{{- if eq (include "trivy-operator.leaderElection" .) "true" }}
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  verbs: ["create"]
- apiGroups: ["coordination.k8s.io"]
  resources: ["leases"]
  resourceNames: [{{ .Values.operator.leaderElectionId | quote }}]
  verbs: ["get", "update"]
{{- end }}
{{- end -}}
