import { isObject } from './definition-walk';

/**
 * The policy templates apiProperties.json may instantiate, each with the template parameters
 * Microsoft's paconn-apiProperties schema requires and allows (all named
 * `x-ms-apimTemplateParameter.<name>`; the gateway ignores a misspelt one silently).
 */
interface Template {
  required: string[];
  optional: string[];
  policySection?: boolean;
}
const TEMPLATES: Record<string, Template> = {
  convertarraytoobject: { required: ['propertyParentPath', 'keyWithinCollectionPath', 'newPropertyPath'], optional: ['propertySubPath', 'retainKey'], policySection: true },
  convertobjecttoarray: { required: ['propertyParentPath', 'newPropertyPath'], optional: ['propertySubPath', 'keyName', 'valueName'], policySection: true },
  dynamichosturl: { required: ['urlTemplate'], optional: [] },
  encodepropertyvalue: { required: ['propertyParentPath', 'newPropertyPath'], optional: ['propertySubPath'], policySection: true },
  pollingtrigger: { required: ['triggerConfig', 'triggerDataPath'], optional: [] },
  routerequesttoendpoint: { required: ['newPath'], optional: ['httpMethod'] },
  setheader: { required: ['name', 'value'], optional: ['existsAction'], policySection: true },
  setproperty: { required: ['newPropertyParentPathTemplate', 'newPropertySubPathTemplate', 'propertyValuePathTemplate'], optional: [], policySection: true },
  setqueryparameter: { required: ['name', 'value'], optional: ['existsAction'] },
  setvaluefromurl: { required: ['parameterTemplate', 'parameterValueUrl', 'parameterValuePathTemplate'], optional: ['httpMethod'], policySection: true },
  stringreplace: { required: ['propertyParentPath', 'sourceString', 'replacementString', 'newPropertyPath'], optional: ['propertySubPath'], policySection: true },
  stringtoarray: { required: ['propertyParentPath', 'delimiterList', 'childPropertyName', 'newPropertyPath'], optional: ['propertySubPath'], policySection: true },
  updatenextlink: { required: ['nextLinkPropertyName'], optional: ['nextLinkParentPropertyPath'] },
};
const PARAMETER = 'x-ms-apimTemplateParameter.';

export function policyTemplateViolations(instances: unknown, connectionParameters: string[]): string[] {
  const at = 'properties.policyTemplateInstances';
  if (instances === undefined) return [];
  if (!Array.isArray(instances)) return [`${at}: policyTemplateInstances must be an array`];
  return instances.flatMap((instance, i) => instanceViolations(`${at}.${i}`, instance, connectionParameters));
}

function instanceViolations(at: string, instance: unknown, connectionParameters: string[]): string[] {
  if (!isObject(instance) || typeof instance['templateId'] !== 'string') return [`${at}: a policy template instance needs a templateId`];
  const id = instance['templateId'].toLowerCase();
  const template = TEMPLATES[id];
  if (!template) return [`${at}.templateId: ${instance['templateId']} is not a policy template Microsoft's schema knows`];
  const keys = ['templateId', 'title', 'parameters', ...(id === 'pollingtrigger' ? ['type'] : [])];
  const violations = Object.keys(instance).filter((k) => !keys.includes(k)).map((k) => `${at}: a policy template instance may not hold ${k}`);
  const parameters = instance['parameters'];
  if (!isObject(parameters)) return [...violations, `${at}.parameters: ${id} needs parameters (${template.required.map((r) => PARAMETER + r).join(', ')})`];
  const allowed = ['x-ms-apimTemplate-operationName', ...(template.policySection ? ['x-ms-apimTemplate-policySection'] : []), ...[...template.required, ...template.optional].map((n) => PARAMETER + n)];
  violations.push(...Object.keys(parameters).filter((k) => !allowed.includes(k)).map((k) => `${at}.parameters: ${id} takes no parameter ${k}`));
  violations.push(...template.required.filter((r) => parameters[PARAMETER + r] === undefined).map((r) => `${at}.parameters: ${id} requires ${PARAMETER}${r}`));
  const operations = parameters['x-ms-apimTemplate-operationName'];
  if (operations !== undefined && (!Array.isArray(operations) || operations.some((o) => typeof o !== 'string'))) violations.push(`${at}.parameters.x-ms-apimTemplate-operationName: must be an array of operationIds`);
  const url = parameters[`${PARAMETER}urlTemplate`];
  if (id === 'dynamichosturl' && url !== undefined) violations.push(...urlTemplateViolations(`${at}.parameters.${PARAMETER}urlTemplate`, url, connectionParameters));
  return violations;
}

/** dynamichosturl builds the host from the connection: every @connectionParameters('x') must exist. */
function urlTemplateViolations(at: string, url: unknown, connectionParameters: string[]): string[] {
  if (typeof url !== 'string' || url === '') return [`${at}: urlTemplate must be a non-empty string`];
  return [...url.matchAll(/@connectionParameters\('([^']+)'\)/g)]
    .map((match) => match[1])
    .filter((name) => !connectionParameters.includes(name))
    .map((name) => `${at}: names the connection parameter ${name}, which connectionParameters does not define`);
}
