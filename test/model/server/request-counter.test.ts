/**
 * RequestCounter (sim/model/server/request-counter.ts): requests counted per simulated minute,
 * out of time order, for the report's total and peak per minute. Expected counts by hand.
 */
import { describe, expect, it } from 'vitest';
import { MINUTE_MS, RequestCounter } from '../../../sim/model/server/request-counter.ts';

describe('RequestCounter', () => {
  it('counts requests per minute, in any order: the total, and the busiest minute', () => {
    const counter = new RequestCounter(10 * MINUTE_MS);
    expect(MINUTE_MS).toBe(60_000);
    expect(counter.requests).toBe(0);
    expect(counter.peakPerMinute).toBe(0);
    counter.add(5 * MINUTE_MS + 59_999);
    counter.add(5 * MINUTE_MS, 2);
    counter.add(0);
    counter.add(6 * MINUTE_MS);
    // Minute 5: 3, minute 0: 1, minute 6: 1.
    expect(counter.requests).toBe(5);
    expect(counter.peakPerMinute).toBe(3);
  });

  it('takes back requests that did not happen (an elision undone)', () => {
    const counter = new RequestCounter();
    counter.add(MINUTE_MS, 4);
    counter.add(2 * MINUTE_MS, 3);
    counter.remove(MINUTE_MS + 1, 2);
    counter.remove(2 * MINUTE_MS);
    expect(counter.requests).toBe(4);
    expect(counter.peakPerMinute).toBe(2);
  });

  it('grows past its horizon (by doubling) and keeps what it had', () => {
    const counter = new RequestCounter(60 * MINUTE_MS);
    counter.add(3 * MINUTE_MS, 7);
    // 1,024 minutes at least; minute 5,000 needs 8,192 buckets.
    counter.add(5_000 * MINUTE_MS, 9);
    counter.add(3 * MINUTE_MS, 1);
    expect(counter.requests).toBe(17);
    expect(counter.peakPerMinute).toBe(9);
    counter.add(8_191 * MINUTE_MS, 10);
    expect(counter.peakPerMinute).toBe(10);
    expect(counter.bucketsUntil(0).length).toBe(8_192);
  });

  it('sizes its buckets for the horizon: at least 1,024 minutes, else one per minute of the run plus one', () => {
    expect(new RequestCounter().bucketsUntil(0).length).toBe(1_024);
    expect(new RequestCounter(1_023 * MINUTE_MS).bucketsUntil(0).length).toBe(1_024);
    expect(new RequestCounter(2_000 * MINUTE_MS).bucketsUntil(0).length).toBe(2_001);
    expect(new RequestCounter(2_000 * MINUTE_MS + 1).bucketsUntil(0).length).toBe(2_002);
  });

  it('hands a counting loop buckets that cover its time, and adds the count it made itself', () => {
    const counter = new RequestCounter();
    const buckets = counter.bucketsUntil(3_000 * MINUTE_MS);
    expect(buckets.length).toBe(4_096);
    buckets[Math.floor((2_999 * MINUTE_MS) / MINUTE_MS)] += 6;
    buckets[1] += 2;
    counter.addCounted(8);
    expect(counter.requests).toBe(8);
    expect(counter.peakPerMinute).toBe(6);
    // Exactly at a power of two the buckets double: minute 4,096 needs 8,192.
    expect(counter.bucketsUntil(4_096 * MINUTE_MS).length).toBe(8_192);
    expect(counter.bucketsUntil(4_096 * MINUTE_MS)[2_999]).toBe(6);
  });

  it('grows to count a request in the first minute past its buckets (minute 1,024 of a counter sized for none)', () => {
    const counter = new RequestCounter();
    counter.add(1_024 * MINUTE_MS, 3);
    expect(counter.peakPerMinute).toBe(3);
    expect(counter.requests).toBe(3);
    const buckets = counter.bucketsUntil(2_048 * MINUTE_MS);
    expect(buckets.length).toBeGreaterThan(2_048);
    buckets[2_048] += 5;
    counter.addCounted(5);
    expect(counter.peakPerMinute).toBe(5);
    expect(counter.requests).toBe(8);
  });
});
