import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { TRIGGER_CATALOGUE } from '@tripline/contracts';
import { buildConnectorDefinition } from '../apps/gateway/src/connector/connector-definition';
import { flowExampleProblems, referencedPayloadFields, triggerOperationId } from './connector-examples';

const dir = path.resolve(__dirname, '..', 'docs', 'examples');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const read = (file: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(dir, file), 'utf8'));

type Flow = {
  triggers: Record<string, { inputs: { host: Record<string, string>; parameters: Record<string, unknown> } }>;
  actions: Record<string, { inputs: { parameters: Record<string, string> } }>;
};
/** A deep copy of an example to break, so the checks are shown to catch what they claim to. */
const copyOf = (file: string): Flow => structuredClone(read(file)) as unknown as Flow;
const onlyTrigger = (flow: Flow) => Object.values(flow.triggers)[0];
const onlyAction = (flow: Flow) => Object.values(flow.actions)[0];

describe('the example flows in docs/examples', () => {
  it('include the Teams message on a failed refresh and the e-mail on a segment threshold', () => {
    expect(files).toEqual(['email-on-segment-threshold.json', 'teams-message-on-failed-refresh.json']);
  });

  it.each(files)('%s uses only triggers, parameters and payload fields the connector has', (file) => {
    expect(flowExampleProblems(read(file))).toEqual([]);
  });

  it('read the payload fields people need to act on (name, error, values), not just any', () => {
    expect(referencedPayloadFields(read('teams-message-on-failed-refresh.json').actions)).toEqual(
      expect.arrayContaining(['dataSourceName', 'errorCode', 'errorMessage', 'completedAt']),
    );
    expect(referencedPayloadFields(read('email-on-segment-threshold.json').actions)).toEqual(
      expect.arrayContaining(['segmentName', 'threshold', 'previousValue', 'newValue']),
    );
  });
});

describe('the check of an example flow', () => {
  it('names the trigger operation ids the connector definition declares', () => {
    const connector = buildConnectorDefinition(new URL('https://tripline.example.test')) as {
      paths: Record<string, Record<string, { operationId: string; 'x-ms-trigger'?: string }>>;
    };
    const declared = Object.values(connector.paths)
      .flatMap((operations) => Object.values(operations))
      .filter((operation) => operation['x-ms-trigger'])
      .map((operation) => operation.operationId);
    expect(declared.sort()).toEqual(TRIGGER_CATALOGUE.map((t) => triggerOperationId(t.name)).sort());
  });

  it('reports a payload field the trigger does not send, misspelled in an action', () => {
    const flow = copyOf('teams-message-on-failed-refresh.json');
    const params = onlyAction(flow).inputs.parameters;
    params['body/messageBody'] = params['body/messageBody'].replace("'body/dataSourceName'", "'body/dataSoruceName'");
    expect(flowExampleProblems(flow)).toEqual(['actions read payload field dataSoruceName, which data-source-refresh-failed does not send']);
  });

  it('reports a misspelled field read with triggerBody() as well', () => {
    const flow = copyOf('email-on-segment-threshold.json');
    onlyAction(flow).inputs.parameters['emailMessage/Subject'] = "@{triggerBody()?['segmentNmae']}";
    expect(flowExampleProblems(flow)).toEqual(['actions read payload field segmentNmae, which segment-threshold-crossed does not send']);
  });

  it('reports a field of another trigger: a refresh payload has no segmentName', () => {
    const flow = copyOf('teams-message-on-failed-refresh.json');
    onlyAction(flow).inputs.parameters['body/messageBody'] += "@{triggerOutputs()?['body/segmentName']}";
    expect(flowExampleProblems(flow)).toEqual(['actions read payload field segmentName, which data-source-refresh-failed does not send']);
  });

  it('reports an operationId that is not one of the connector triggers', () => {
    const flow = copyOf('teams-message-on-failed-refresh.json');
    onlyTrigger(flow).inputs.host['operationId'] = 'OnDataSourceRefreshFailure';
    expect(flowExampleProblems(flow)).toEqual(["trigger operationId OnDataSourceRefreshFailure is none of the connector's triggers"]);
  });

  it('reports a parameter the trigger does not have, and a required one left out', () => {
    const flow = copyOf('email-on-segment-threshold.json');
    const trigger = onlyTrigger(flow);
    delete trigger.inputs.parameters['body/threshold'];
    trigger.inputs.parameters['body/measureId'] = '<MEASURE_ID>';
    expect(flowExampleProblems(flow)).toEqual([
      'trigger sets parameter body/measureId, which segment-threshold-crossed does not have',
      'trigger leaves out body/threshold, which segment-threshold-crossed requires',
    ]);
  });

  it('reports a threshold that is not an integer, as the gateway would refuse the subscription', () => {
    const flow = copyOf('email-on-segment-threshold.json');
    onlyTrigger(flow).inputs.parameters['body/threshold'] = 10.5;
    expect(flowExampleProblems(flow)).toEqual([expect.stringMatching(/^trigger parameter body\/threshold: .*int/i)]);
  });

  it('reports a second action and a trigger of another type', () => {
    const flow = copyOf('email-on-segment-threshold.json') as unknown as { actions: Record<string, unknown>; triggers: Record<string, { type: string }> };
    flow.actions['Second'] = { type: 'Compose', inputs: 'x' };
    expect(flowExampleProblems(flow)).toEqual(['has 2 actions, not one']);
    Object.values(flow.triggers)[0].type = 'OpenApiConnection';
    expect(flowExampleProblems(flow)).toEqual(['has 2 actions, not one', 'trigger When_a_segment_crosses_a_threshold is not of type OpenApiConnectionWebhook']);
  });

  it('reports a file that is not a workflow definition', () => {
    expect(flowExampleProblems({ triggers: {}, actions: {} })).toEqual([
      '$schema is not https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#',
      'has no contentVersion',
      'declares no $connections parameter',
      'declares no $authentication parameter',
      'has 0 actions, not one',
      'has 0 triggers, not one',
    ]);
  });
});
