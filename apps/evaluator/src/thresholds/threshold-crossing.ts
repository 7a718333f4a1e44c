/**
 * The threshold rule, all of it: a crossing is a move from at-or-below the threshold to above
 * it. Equal is not above. Without a previous value (the first observation of an entity) there
 * is no crossing: the first value is the baseline. Because it compares consecutive values, a
 * value that stays above fires once, and fires again only after it went back to or below.
 */
export function crossesAbove(previous: number | null, current: number, threshold: number): boolean {
  return previous !== null && previous <= threshold && current > threshold;
}
