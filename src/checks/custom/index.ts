export {
  evaluateCustomChecks,
  loadCustomChecks,
  renderCustomMessage,
  type CustomCheck,
  type CustomCheckEvaluation,
  type CustomCheckSet,
} from './custom-checks.ts';
export { CustomCheckDefinitionError, CustomCheckEvaluationError } from './errors.ts';
export {
  parsePoliciesConfigMap,
  policiesConfigMapName,
  PoliciesConfigError,
  type PoliciesConfigData,
} from './policies-config-map.ts';
