import { zipSync, type Zippable } from 'fflate';
import { buildConnectorDefinition } from './connector-definition';
import { drawConnectorIcon } from './connector-icon';
import { buildApiProperties } from './connector-properties';
import { buildConnectorReadme } from './connector-readme';

/** The files of a connector package, named as the connector tooling (`paconn`) expects them. */
export const CONNECTOR_PACKAGE_FILES = ['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md'] as const;
export type ConnectorPackage = Record<(typeof CONNECTOR_PACKAGE_FILES)[number], Buffer>;

/**
 * Every file a custom connector is created or certified from. The definition's host is this
 * gateway's public URL; each connection replaces it with its own instance URL (apiProperties'
 * `dynamichosturl` policy), so one package serves every customer's gateway.
 */
export function buildConnectorPackage(publicUrl: URL): ConnectorPackage {
  const definition = buildConnectorDefinition(publicUrl);
  return {
    'apiDefinition.swagger.json': json(definition),
    'apiProperties.json': json(buildApiProperties()),
    'icon.png': drawConnectorIcon(),
    'readme.md': Buffer.from(buildConnectorReadme(definition), 'utf8'),
  };
}

/** A fixed date on every entry: the same package always zips to the same bytes. */
const ENTRY_DATE = new Date('2025-01-01T00:00:00Z');

export function zipConnectorPackage(files: ConnectorPackage): Buffer {
  const entries: Zippable = {};
  for (const [name, content] of Object.entries(files)) entries[name] = [new Uint8Array(content), { mtime: ENTRY_DATE }];
  return Buffer.from(zipSync(entries, { level: 9 }));
}

function json(value: object): Buffer {
  return Buffer.from(`${JSON.stringify(value, null, 2)}\n`, 'utf8');
}
