import { partitionLag } from './infra-metrics';

describe('partitionLag', () => {
  const end = { low: 100n, high: 250n };

  it("counts from the group's committed offset to the partition's end", () => {
    expect(partitionLag(end, 200n, true)).toBe(50);
    expect(partitionLag(end, 250n, true)).toBe(0);
  });

  it('counts all the partition holds for a group that never committed, or nothing for one that starts at the end', () => {
    expect(partitionLag(end, undefined, true)).toBe(150);
    expect(partitionLag(end, undefined, false)).toBe(0);
  });

  it('counts from the start when retention deleted what the group had not read', () => {
    expect(partitionLag(end, 40n, true)).toBe(150);
  });
});
