import { apiPropertiesFileViolations } from './rules/api-properties.rules';
import { metadataViolations } from './rules/connector-metadata.rules';
import { stringViolations } from './rules/connector-strings.rules';
import { nodesOf, type Json } from './rules/definition-walk';
import { documentViolations } from './rules/document.rules';
import { dynamicValuesViolations } from './rules/dynamic-values.rules';
import { placementViolations } from './rules/extension-placement.rules';
import { operationViolations } from './rules/operation.rules';

/**
 * Mechanical checks of the Power Automate custom connector against what Microsoft publishes:
 * the connector schemas of microsoft/PowerPlatformConnectors (apiDefinition.swagger.schema.json,
 * paconn-apiProperties.schema.json) and the certification submission requirements. Each
 * violation is one sentence: the JSON path, then the rule it breaks. An empty list means the
 * files would pass what can be checked without a person reading them.
 */
export function definitionViolations(definition: object): string[] {
  const document = definition as Json;
  return unique([
    ...documentViolations(document),
    ...placementViolations(nodesOf(document)),
    ...metadataViolations(document),
    ...operationViolations(document),
    ...dynamicValuesViolations(document),
    ...stringViolations(document),
  ]);
}

export function apiPropertiesViolations(properties: object): string[] {
  return unique(apiPropertiesFileViolations(properties));
}

const unique = (violations: string[]) => [...new Set(violations)];
