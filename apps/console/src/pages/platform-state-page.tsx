import { useEffect, useId, useState } from 'react';
import { asApiError, type ApiError } from '../api/api-error';
import { api, ok } from '../api/client';
import type { components } from '../api/schema';
import { ErrorNotice } from '../components/error-notice';
import { PageHeading } from '../components/page-heading';
import { ValueChart } from '../components/value-chart';
import { formatTime } from '../format';
import { usePaged } from '../paged';
import { chartTitle, failingFirst, formatNumber, isFailing, type Threshold, thresholdsByEntity } from '../platform-state-format';

type StatusReport = components['schemas']['StatusReportDto_Output'];
type RecentValue = components['schemas']['RecentValuesDto_Output']['values'][number];

const SOURCES_PAGE = 25;
/** Each segment and measure shown reads its values: a short page keeps that to a few requests. */
const VALUED_PAGE = 10;
const RUNS_PAGE = 20;
/** The thresholds come from the tenant's threshold subscriptions, read a page at a time like the list's. */
const SUBSCRIPTIONS_PAGE = 100;
const RECENT_VALUES = 50;

/**
 * The data platform as Tripline has seen it through events (the actions' read model): each data
 * source's last refresh, failing ones first; each segment's and measure's current value with a
 * chart of its recent values and the thresholds the tenant's flows watch; the refresh and
 * unification runs, newest first. Every list is read a page at a time.
 */
function useThresholdSubscriptions(trigger: 'segment-threshold-crossed' | 'measure-threshold-crossed') {
  return usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/subscriptions', { params: { query: { trigger, limit: SUBSCRIPTIONS_PAGE, cursor } } }));
    return { items: page.subscriptions, nextCursor: page.nextCursor };
  }, trigger);
}

export function PlatformStatePage() {
  const [report, setReport] = useState<StatusReport | null>(null);
  const [reportError, setReportError] = useState<ApiError | null>(null);
  const sources = usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/data-sources', { params: { query: { limit: SOURCES_PAGE, cursor } } }));
    return { items: page.dataSources, nextCursor: page.nextCursor };
  }, 'data-sources');
  const segments = usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/segments', { params: { query: { limit: VALUED_PAGE, cursor } } }));
    return { items: page.segments, nextCursor: page.nextCursor };
  }, 'segments');
  const measures = usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/measures', { params: { query: { limit: VALUED_PAGE, cursor } } }));
    return { items: page.measures, nextCursor: page.nextCursor };
  }, 'measures');
  const runs = usePaged(async (cursor) => {
    const page = await ok(api.GET('/v1/refresh-runs', { params: { query: { limit: RUNS_PAGE, cursor } } }));
    return { items: page.refreshRuns, nextCursor: page.nextCursor };
  }, 'refresh-runs');
  // Only the threshold subscriptions, each trigger's read with the API's trigger filter.
  const segmentSubscriptions = useThresholdSubscriptions('segment-threshold-crossed');
  const measureSubscriptions = useThresholdSubscriptions('measure-threshold-crossed');

  useEffect(() => {
    ok(api.GET('/v1/status-report')).then(setReport, (failure: unknown) => setReportError(asApiError(failure)));
  }, []);

  const segmentThresholds = thresholdsByEntity(segmentSubscriptions.items, 'segment-threshold-crossed');
  const measureThresholds = thresholdsByEntity(measureSubscriptions.items, 'measure-threshold-crossed');
  const thresholdsNote = (subscriptions: ReturnType<typeof useThresholdSubscriptions>) =>
    subscriptions.hasMore && (
      <p className="hint">
        The thresholds drawn are those of the {subscriptions.items.length} threshold subscriptions read so far.{' '}
        <button type="button" onClick={subscriptions.loadMore} disabled={subscriptions.loading}>
          Read more subscriptions
        </button>
      </p>
    );

  return (
    <>
      <PageHeading title="Platform state">
        <p className="lead">The data platform as its events told Tripline: what the connector's actions answer, and what the threshold triggers watch.</p>
      </PageHeading>
      <ErrorNotice error={reportError ?? segmentSubscriptions.error ?? measureSubscriptions.error} />
      {report && <ReportSummary report={report} />}

      <section className="state-section" aria-labelledby="data-sources-heading">
        <h2 id="data-sources-heading">Data sources</h2>
        <ErrorNotice error={sources.error} />
        {sources.items.length > 0 && (
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Data source</th>
                <th scope="col">Last refresh</th>
                <th scope="col">Ended</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {failingFirst(sources.items).map((source) => (
                <tr key={source.dataSourceId} className={isFailing(source.lastStatus) ? 'attention' : undefined}>
                  <th scope="row" data-label="Data source">
                    {source.name} <code className="muted">{source.dataSourceId}</code>
                  </th>
                  <td data-label="Last refresh">
                    <span className={`badge badge-${source.lastStatus}`}>{source.lastStatus.replace('_', ' ')}</span>
                  </td>
                  <td data-label="Ended">{formatTime(source.lastCompletedAt)}</td>
                  <td data-label="Error">{source.lastErrorCode ? <span className="reason">{`${source.lastErrorCode}: ${source.lastErrorMessage ?? ''}`}</span> : <span className="muted">none</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ListFooter list={sources} none="No data source has reported a refresh yet." more="More data sources" />
      </section>

      <section className="state-section" aria-labelledby="segments-heading">
        <h2 id="segments-heading">Segments</h2>
        <ErrorNotice error={segments.error} />
        {thresholdsNote(segmentSubscriptions)}
        {segments.items.length > 0 && (
          <ul className="valued">
            {segments.items.map((segment) => (
              <ValuedItem
                key={segment.segmentId}
                kind="segments"
                id={segment.segmentId}
                name={segment.name}
                current={segment.memberCount}
                unit="members"
                observedAt={segment.observedAt}
                thresholds={segmentThresholds.get(segment.segmentId) ?? []}
              />
            ))}
          </ul>
        )}
        <ListFooter list={segments} none="No segment has been reported yet." more="More segments" />
      </section>

      <section className="state-section" aria-labelledby="measures-heading">
        <h2 id="measures-heading">Measures</h2>
        <ErrorNotice error={measures.error} />
        {thresholdsNote(measureSubscriptions)}
        {measures.items.length > 0 && (
          <ul className="valued">
            {measures.items.map((measure) => (
              <ValuedItem
                key={measure.measureId}
                kind="measures"
                id={measure.measureId}
                name={measure.name}
                current={measure.value}
                observedAt={measure.observedAt}
                thresholds={measureThresholds.get(measure.measureId) ?? []}
              />
            ))}
          </ul>
        )}
        <ListFooter list={measures} none="No measure has been reported yet." more="More measures" />
      </section>

      <section className="state-section" aria-labelledby="runs-heading">
        <h2 id="runs-heading">Refresh and unification runs</h2>
        <ErrorNotice error={runs.error} />
        {runs.items.length > 0 && (
          <table className="list">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Started</th>
                <th scope="col">Ended</th>
              </tr>
            </thead>
            <tbody>
              {runs.items.map((run) => (
                <tr key={`${run.kind}|${run.runId}`} className={run.status === 'succeeded' ? undefined : 'attention'}>
                  <th scope="row" data-label="Run">
                    <code>{run.runId}</code>
                  </th>
                  <td data-label="Kind">
                    {run.kind}
                    {run.trigger && <span className="muted"> ({run.trigger})</span>}
                  </td>
                  <td data-label="Status">
                    <span className={`badge badge-${run.status}`}>{run.status.replace('_', ' ')}</span>
                  </td>
                  <td data-label="Started">{formatTime(run.startedAt)}</td>
                  <td data-label="Ended">{formatTime(run.completedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <ListFooter list={runs} none="No run has been reported yet." more="More runs" />
      </section>
    </>
  );
}

function ReportSummary({ report }: { report: StatusReport }) {
  const { dataSources } = report;
  return (
    <dl className="facts" aria-label="Status report">
      <div>
        <dt>Data sources</dt>
        <dd>
          {dataSources.total}
          {dataSources.failing.length > 0 && <span className="reason"> ({dataSources.failing.length} failing)</span>}
        </dd>
      </div>
      <div>
        <dt>Latest full refresh</dt>
        <dd>{report.latestFullRefresh ? `${report.latestFullRefresh.status.replace('_', ' ')}, ${formatTime(report.latestFullRefresh.completedAt)}` : 'none yet'}</dd>
      </div>
      <div>
        <dt>Latest unification</dt>
        <dd>{report.latestUnification ? `${report.latestUnification.status.replace('_', ' ')}, ${formatTime(report.latestUnification.completedAt)}` : 'none yet'}</dd>
      </div>
      <div>
        <dt>Segments, measures</dt>
        <dd>
          {report.segmentCount}, {report.measureCount}
        </dd>
      </div>
    </dl>
  );
}

/**
 * One segment or measure: its current value and, once read, the chart of its recent values
 * (GET /v1/{kind}/{id}/values) with its thresholds.
 */
function ValuedItem(props: { kind: 'segments' | 'measures'; id: string; name: string; current: number; unit?: string; observedAt: string; thresholds: Threshold[] }) {
  const [values, setValues] = useState<RecentValue[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const { kind, id } = props;
  useEffect(() => {
    const params = { params: { path: { id }, query: { limit: RECENT_VALUES } } };
    const call = kind === 'segments' ? api.GET('/v1/segments/{id}/values', params) : api.GET('/v1/measures/{id}/values', params);
    ok(call).then(
      (answer) => setValues(answer.values),
      (failure: unknown) => setError(asApiError(failure)),
    );
  }, [kind, id]);
  const headingId = useId();
  return (
    <li className="valued-item" aria-labelledby={headingId}>
      <div className="valued-head">
        <h3 id={headingId}>
          {props.name} <code className="muted">{id}</code>
        </h3>
        <p className="current">
          <strong>{formatNumber(props.current)}</strong>
          {props.unit && ` ${props.unit}`} <span className="muted">at {formatTime(props.observedAt)}</span>
        </p>
      </div>
      <ErrorNotice error={error} />
      {values === null && !error && <p className="muted">Loading its recent values…</p>}
      {values !== null && <ValueChart title={chartTitle(props.name, values, props.thresholds)} values={values} thresholds={props.thresholds} />}
    </li>
  );
}

function ListFooter({ list, none, more }: { list: { items: unknown[]; loading: boolean; error: ApiError | null; hasMore: boolean; loadMore: () => Promise<void> }; none: string; more: string }) {
  return (
    <>
      {list.loading && list.items.length === 0 && <p className="muted">Loading…</p>}
      {!list.loading && list.items.length === 0 && !list.error && <p className="muted">{none}</p>}
      {list.hasMore && (
        <button type="button" onClick={list.loadMore} disabled={list.loading}>
          {more}
        </button>
      )}
    </>
  );
}
