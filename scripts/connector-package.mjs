// `npm run connector:package -- <folder>`: the connector package (definition, properties, icon,
// readme) written into <folder>, ready for `paconn create`. Builds first, like `npm start`, then
// takes the package from the compiled gateway, so it is the package the gateway serves at
// GET /v1/connector/power-automate.zip. TRIPLINE_PUBLIC_URL sets the definition's default host.
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadDotEnv, prepare, root } from './prepare.mjs';

export const COMPILED_PACKAGE_MODULE = path.join(root, 'dist/apps/gateway/src/connector/connector-package.js');
const DEFAULT_PUBLIC_URL = 'http://127.0.0.1:3000';
const log = (msg) => console.log(`[tripline] ${msg}`);

/**
 * Writes the package's files into `folder` (created if missing) and returns their paths.
 * `buildConnectorPackage` defaults to the compiled gateway's (`npm run build` first).
 */
export async function writeConnectorPackage(folder, { publicUrl = DEFAULT_PUBLIC_URL, buildConnectorPackage } = {}) {
  const build = buildConnectorPackage ?? createRequire(import.meta.url)(COMPILED_PACKAGE_MODULE).buildConnectorPackage;
  const files = build(new URL(publicUrl));
  await mkdir(folder, { recursive: true });
  const written = [];
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(folder, name);
    await writeFile(file, content);
    written.push(file);
  }
  return written;
}

async function main() {
  const [target] = process.argv.slice(2);
  if (!target) throw new Error('usage: npm run connector:package -- <folder>');
  loadDotEnv();
  // npm runs scripts from the repository root; a relative folder means where the command was typed.
  const folder = path.resolve(process.env.INIT_CWD ?? process.cwd(), target);
  await prepare(log);
  const publicUrl = process.env.TRIPLINE_PUBLIC_URL || DEFAULT_PUBLIC_URL;
  const written = await writeConnectorPackage(folder, { publicUrl });
  log(`connector package for ${publicUrl}:`);
  for (const file of written) console.log(`  ${path.relative(process.cwd(), file) || file}`);
  const at = (name) => path.relative(process.cwd(), path.join(folder, name));
  log('create the custom connector with:');
  console.log(`  paconn create --api-def ${at('apiDefinition.swagger.json')} --api-prop ${at('apiProperties.json')} --icon ${at('icon.png')}`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`[tripline] ${error.message}`);
    process.exit(1);
  });
}
