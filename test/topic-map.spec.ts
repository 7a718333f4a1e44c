import { topics, type TopicId } from '@tripline/contracts';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

// The topic map is what the AsyncAPI document and docs/architecture.md are made from; a consumer
// added in a service but not in the map is an operation missing from the document (the
// dispatcher read the subscriptions topic for a while without the map saying so).
const root = path.resolve(__dirname, '..');
const SERVICES = ['gateway', 'ingestion', 'registry', 'evaluator', 'dispatcher'] as const;
const isTopicId = (value: string): value is TopicId => Object.hasOwn(topics, value);

/** Every `.ts` file under `dir` but tests. */
function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.ts') && !/\.(int-|e2e-)?spec\.ts$/.test(file))
    .map((file) => path.join(dir, file));
}

/**
 * The topics a service's code names as the one it reads: `@OnTopic('<id>', …)` (a handler on the
 * Kafka transport) and `replies: '<id>'` (the request-reply clients' inbox).
 */
function topicsRead(service: string): Set<TopicId> {
  const read = new Set<TopicId>();
  for (const file of sources(path.join(root, 'apps', service, 'src'))) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (
        ts.isPropertyAssignment(node) &&
        ts.isIdentifier(node.name) &&
        node.name.text === 'replies' &&
        ts.isStringLiteralLike(node.initializer) &&
        isTopicId(node.initializer.text)
      ) {
        read.add(node.initializer.text);
      }
      if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'OnTopic') {
        const [topic] = node.arguments;
        if (topic && ts.isStringLiteralLike(topic) && isTopicId(topic.text)) read.add(topic.text);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return read;
}

describe('the topic map (libs/contracts/src/topics.ts)', () => {
  it.each(SERVICES)('lists %s as a consumer of exactly the topics its code reads', (service) => {
    const inCode = [...topicsRead(service)].sort();
    const inMap = (Object.keys(topics) as TopicId[]).filter((id) => (topics[id].consumers as readonly string[]).includes(service)).sort();
    // Both ways: a map entry no code backs means this scan no longer sees how the service consumes.
    expect(inCode).toEqual(inMap);
  });
});
