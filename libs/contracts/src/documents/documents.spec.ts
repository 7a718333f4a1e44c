import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { writeContractDocuments } from './write-documents';

// docs/contracts is committed for readers who never run the code; this keeps it honest.
const committedDir = path.resolve(__dirname, '../../../../docs/contracts');
const REGENERATE = 'docs/contracts is out of date with the contracts: run `npm run docs:contracts` and commit the result';

/** Every generated file under `dir` (README.md is written by hand), by relative path. */
async function generatedFiles(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
    const full = path.join(entry.parentPath, entry.name);
    out[path.relative(dir, full).split(path.sep).join('/')] = await readFile(full, 'utf8');
  }
  return out;
}

describe('docs/contracts', () => {
  let freshDir: string;

  beforeAll(async () => {
    freshDir = await mkdtemp(path.join(tmpdir(), 'tripline-contracts-'));
    await writeContractDocuments(freshDir);
  });
  afterAll(() => rm(freshDir, { recursive: true, force: true }));

  it('holds exactly what writeContractDocuments generates from the contracts now', async () => {
    const fresh = await generatedFiles(freshDir);
    const committed = await generatedFiles(committedDir);
    const names = (files: Record<string, string>) => Object.keys(files).sort();
    if (names(committed).join() !== names(fresh).join()) {
      throw new Error(`${REGENERATE}.\ncommitted: ${names(committed).join(', ')}\ngenerated: ${names(fresh).join(', ')}`);
    }
    const stale = names(fresh).filter((file) => committed[file] !== fresh[file]);
    if (stale.length > 0) throw new Error(`${REGENERATE}. Differs: ${stale.join(', ')}`);
  });
});
