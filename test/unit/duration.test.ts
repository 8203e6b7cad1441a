import assert from 'node:assert/strict';
import { durationBetween, formatDuration, parseDurationText } from '../../src/core/duration';

describe('Durations', () => {
  it('computes milliseconds from two timestamps', () => {
    assert.equal(durationBetween('2023-02-20T06:21:42.274Z', '2023-02-20T06:21:43.751Z'), 1477);
  });
  it('gives nothing when an end is missing, invalid or before the start', () => {
    assert.equal(durationBetween('2023-02-20T06:21:42.274Z', undefined), undefined);
    assert.equal(durationBetween('nonsense', '2023-02-20T06:21:43.751Z'), undefined);
    assert.equal(durationBetween('2023-02-20T06:21:43Z', '2023-02-20T06:21:42Z'), undefined);
  });
  it("parses Dispersl's human durations as a fallback", () => {
    assert.equal(parseDurationText('4h 15m'), (4 * 60 + 15) * 60_000);
    assert.equal(parseDurationText('45m'), 45 * 60_000);
    assert.equal(parseDurationText('1d 2h'), 26 * 3_600_000);
    assert.equal(parseDurationText('30s'), 30_000);
    assert.equal(parseDurationText('about an hour'), undefined);
    assert.equal(parseDurationText(null), undefined);
  });
  it('formats durations compactly', () => {
    assert.equal(formatDuration(850), '850 ms');
    assert.equal(formatDuration(1477), '1.48 s');
    assert.equal(formatDuration(245_000), '4m 05s');
    assert.equal(formatDuration((4 * 60 + 15) * 60_000), '4h 15m');
    assert.equal(formatDuration(undefined), '');
  });
});
