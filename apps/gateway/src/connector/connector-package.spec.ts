import { unzipSync } from 'fflate';
import { buildConnectorDefinition } from './connector-definition';
import { drawConnectorIcon } from './connector-icon';
import { CONNECTOR_PACKAGE_FILES, buildConnectorPackage, zipConnectorPackage } from './connector-package';
import { buildApiProperties } from './connector-properties';

describe('the connector package', () => {
  const publicUrl = new URL('https://tripline.contoso.example/api');
  const files = buildConnectorPackage(publicUrl);
  const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('utf8');

  it('zips exactly the four files the connector tooling takes, each as built on its own', () => {
    const entries = unzipSync(zipConnectorPackage(files));
    expect(Object.keys(entries).sort()).toEqual([...CONNECTOR_PACKAGE_FILES].sort());
    expect(JSON.parse(text(entries['apiDefinition.swagger.json']))).toEqual(JSON.parse(JSON.stringify(buildConnectorDefinition(publicUrl))));
    expect(JSON.parse(text(entries['apiProperties.json']))).toEqual(buildApiProperties());
    expect(Buffer.from(entries['icon.png']).equals(drawConnectorIcon())).toBe(true);
    expect(text(entries['readme.md'])).toMatch(/^# Tripline\n/);
  });

  it('pairs the definition\'s API key scheme with the api_key connection parameter: the key goes out as X-API-Key', () => {
    const definition = JSON.parse(text(files['apiDefinition.swagger.json']));
    const properties = JSON.parse(text(files['apiProperties.json']));
    expect(Object.values(definition.securityDefinitions)).toEqual([{ type: 'apiKey', in: 'header', name: 'X-API-Key' }]);
    expect(properties.properties.connectionParameters.api_key.type).toBe('securestring');
  });

  it('zips to the same bytes every time, so a download can be compared with the last one', () => {
    expect(zipConnectorPackage(buildConnectorPackage(publicUrl)).equals(zipConnectorPackage(files))).toBe(true);
  });
});
