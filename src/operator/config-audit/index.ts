export { configAuditReportKinds, reportKindFor } from './audited-kinds.ts';
export { ConfigAuditController, type ConfigAuditStats } from './controller.ts';
export { configAuditSettings, type ConfigAuditSettings } from './settings.ts';
