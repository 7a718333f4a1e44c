import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { unzipSync } from 'fflate';
import { isolatedNamespace, startInProcess, type RunningService } from '@tripline/testing';
import { publishOpenApi } from '../api-docs/openapi';
import { loadGatewayEnv } from '../gateway.env';
import { gatewayModule } from '../gateway.module';
import { buildConnectorPackage } from './connector-package';

const root = path.resolve(__dirname, '../../../..');
const PUBLIC_URL = 'https://tripline.contoso.example/api';

describe('the connector package download', () => {
  const namespace = isolatedNamespace('connector-package');
  let gateway: RunningService;

  beforeAll(async () => {
    gateway = await startInProcess(
      'gateway',
      namespace,
      loadGatewayEnv,
      gatewayModule,
      { TRIPLINE_ADMIN_TOKEN: 'package-test-admin-token-0123456789', TRIPLINE_PUBLIC_URL: PUBLIC_URL },
      publishOpenApi,
    );
  });
  afterAll(async () => gateway?.close());

  it('is a zip attachment of the four files, public like the definition, which it holds as served', async () => {
    const res = await fetch(`${gateway.baseUrl}/v1/connector/power-automate.zip`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="tripline-power-automate-connector.zip"');
    const entries = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md']);

    const served = await (await fetch(`${gateway.baseUrl}/v1/connector/power-automate.json`)).json();
    const zipped = JSON.parse(Buffer.from(entries['apiDefinition.swagger.json']).toString('utf8'));
    expect(zipped).toEqual(served);
    expect(zipped).toMatchObject({ host: 'tripline.contoso.example', basePath: '/api' });
    expect(JSON.parse(Buffer.from(entries['apiProperties.json']).toString('utf8')).properties.connectionParameters).toHaveProperty('api_key');
  });
});

describe('scripts/connector-package.mjs with the built gateway', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'tripline-connector-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // The build itself is npm test's (prepare() builds dist/ before Jest runs): this runs the
  // script's writer against it in a plain Node.js, as `npm run connector:package` does after building.
  it('writes the package the compiled gateway builds', async () => {
    const script = `import { writeConnectorPackage } from ${JSON.stringify(path.join(root, 'scripts/connector-package.mjs'))};
      await writeConnectorPackage(process.argv[1], { publicUrl: process.argv[2] });`;
    await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, dir, PUBLIC_URL], { cwd: root });
    expect(readdirSync(dir).sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md']);
    const fromSource = buildConnectorPackage(new URL(PUBLIC_URL));
    for (const name of ['apiDefinition.swagger.json', 'apiProperties.json', 'readme.md'] as const) {
      expect(readFileSync(path.join(dir, name), 'utf8')).toBe(fromSource[name].toString('utf8'));
    }
  });
});
