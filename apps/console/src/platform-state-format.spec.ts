import { chartTitle, failingFirst, formatNumber, thresholdsByEntity } from './platform-state-format';

describe('what the Platform state page shows', () => {
  it('lists failing data sources first, then retrying ones, each group in the order read', () => {
    const sources = [
      { id: 'a', lastStatus: 'succeeded' },
      { id: 'b', lastStatus: 'retrying' },
      { id: 'c', lastStatus: 'timed_out' },
      { id: 'd', lastStatus: 'succeeded' },
      { id: 'e', lastStatus: 'failed' },
      { id: 'f', lastStatus: 'skipped' },
    ];
    expect(failingFirst(sources).map((s) => s.id)).toEqual(['c', 'e', 'f', 'b', 'a', 'd']);
  });

  it("finds each segment's thresholds in the subscriptions read: distinct levels, lowest first, no deleted ones, disabled ones said so", () => {
    const subscription = (id: string, segmentId: string, threshold: number, status = 'active', trigger = 'segment-threshold-crossed') => ({ id, trigger, segmentId, threshold, status });
    const thresholds = thresholdsByEntity(
      [
        subscription('1', 'vip', 150),
        subscription('2', 'vip', 100),
        subscription('3', 'vip', 150, 'disabled'),
        subscription('4', 'vip', 50, 'deleted'),
        subscription('5', 'churn', 7, 'disabled'),
        subscription('6', 'vip', 999, 'active', 'measure-threshold-crossed'),
        { id: '7', trigger: 'data-source-refresh-failed', dataSourceId: 'vip', status: 'active' },
      ],
      'segment-threshold-crossed',
    );
    expect(thresholds.get('vip')).toEqual([
      { value: 100, label: 'threshold 100' },
      { value: 150, label: 'threshold 150' },
    ]);
    expect(thresholds.get('churn')).toEqual([{ value: 7, label: 'threshold 7 (disabled)' }]);
    expect(thresholdsByEntity([{ trigger: 'measure-threshold-crossed', measureId: 'ltv', threshold: 1234.5, status: 'active' }], 'measure-threshold-crossed').get('ltv')).toEqual([
      { value: 1234.5, label: 'threshold 1,234.5' },
    ]);
  });

  it("names a chart by what it shows, thresholds included", () => {
    expect(chartTitle('VIP', [{ value: 90 }, { value: 120 }, { value: 160 }], [{ value: 150, label: 'threshold 150' }])).toBe(
      'VIP: 3 recent values, from 90 to 160; threshold 150',
    );
    expect(chartTitle('VIP', [{ value: 1 }], [])).toBe('VIP: 1 recent value, from 1 to 1');
    expect(chartTitle('VIP', [], [])).toBe('VIP: no recent values recorded');
    expect(formatNumber(1234567.891)).toBe('1,234,567.89');
  });
});
