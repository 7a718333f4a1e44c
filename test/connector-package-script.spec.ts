import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildConnectorPackage } from '../apps/gateway/src/connector/connector-package';
import { COMPILED_PACKAGE_MODULE, writeConnectorPackage } from '../scripts/connector-package.mjs';

const root = path.resolve(__dirname, '..');

describe('npm run connector:package', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'tripline-connector-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the four files into the folder, creating it, with the definition\'s host from the public URL', async () => {
    const folder = path.join(dir, 'out', 'connector');
    const written = await writeConnectorPackage(folder, { publicUrl: 'https://tripline.contoso.example', buildConnectorPackage });
    expect(written.map((file) => path.relative(folder, file)).sort()).toEqual(['apiDefinition.swagger.json', 'apiProperties.json', 'icon.png', 'readme.md']);
    const definition = JSON.parse(readFileSync(path.join(folder, 'apiDefinition.swagger.json'), 'utf8'));
    expect(definition).toMatchObject({ host: 'tripline.contoso.example', schemes: ['https'] });
    expect(readFileSync(path.join(folder, 'icon.png')).subarray(1, 4).toString('ascii')).toBe('PNG');
  });

  it('takes the package from where the build compiles the gateway\'s connector-package.ts', () => {
    const source = path.relative(path.join(root, 'dist'), COMPILED_PACKAGE_MODULE).replace(/\.js$/, '.ts');
    expect(existsSync(path.join(root, source))).toBe(true);
  });
});
