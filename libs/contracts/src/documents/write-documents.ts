import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { asyncApiDocument } from './asyncapi';
import { contractJsonSchemas } from './json-schemas';

/** Two-space JSON with a final newline: the form the files are committed in, so diffs stay clean. */
function pretty(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Every generated file, by path relative to the output folder. Key order is the order the
 * generators build objects in (contract field order), so the same contracts give the same bytes.
 */
export function contractDocumentFiles(): Record<string, string> {
  const files: Record<string, string> = { 'asyncapi.json': pretty(asyncApiDocument()) };
  for (const [name, schema] of Object.entries(contractJsonSchemas())) files[`schemas/${name}.json`] = pretty(schema);
  return files;
}

/**
 * Writes `asyncapi.json` and `schemas/<name>.json` into `outDir`. `schemas/` is emptied first,
 * so a contract that was removed loses its file; anything else in `outDir` (the README) stays.
 */
export async function writeContractDocuments(outDir: string): Promise<string[]> {
  const files = contractDocumentFiles();
  await rm(path.join(outDir, 'schemas'), { recursive: true, force: true });
  await mkdir(path.join(outDir, 'schemas'), { recursive: true });
  for (const [file, text] of Object.entries(files)) await writeFile(path.join(outDir, file), text);
  return Object.keys(files);
}

/** The repo root: this file runs from source (tests) and from dist/ (the npm script). */
function repoRoot(from: string): string {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'nx.json'))) return dir;
  }
  throw new Error(`no nx.json above ${from}`);
}

if (require.main === module) {
  const outDir = path.join(repoRoot(__dirname), 'docs', 'contracts');
  writeContractDocuments(outDir).then(
    (written) => console.log(`wrote ${written.length} files into ${path.relative(process.cwd(), outDir) || '.'}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
