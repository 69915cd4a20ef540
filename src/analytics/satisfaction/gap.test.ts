import { describe, expect, it } from 'vitest';
import { expectationPerceptionGap } from './gap.js';

describe('expectationPerceptionGap', () => {
  it('paired gap with t interval (reference: scipy.stats.t.interval on the differences, df 4)', () => {
    const E = [6, 6, 7, 5, 5];
    const P = [5, 4, 6, 3, 5];
    const answers = E.map((e, i) => ({ attribute: 'reliability', expectation: e, perception: P[i]! }));
    answers.push({ attribute: 'reliability', expectation: 7, perception: null as unknown as number });
    answers.push({ attribute: 'empathy', expectation: 5, perception: 6 });
    const r = expectationPerceptionGap(answers);
    const rel = r.attributes[0]!;
    expect(rel.attribute).toBe('reliability');
    expect(rel.n).toBe(5);
    expect(rel.incomplete).toBe(1);
    expect(rel.meanExpectation).toBeCloseTo(5.8, 12);
    expect(rel.meanPerception).toBeCloseTo(4.6, 12);
    expect(rel.gap).toBeCloseTo(-1.2, 12);
    expect(rel.ci!.lower).toBeCloseTo(-2.2388506336835676, 10);
    expect(rel.ci!.upper).toBeCloseTo(-0.16114936631643229, 10);
    const emp = r.attributes[1]!;
    expect(emp.gap).toBe(1);
    expect(emp.ci).toBeNull();
    expect(r.meanGap).toBeCloseTo(-0.1, 12);
  });
});
