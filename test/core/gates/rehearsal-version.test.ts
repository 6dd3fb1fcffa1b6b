import { describe, expect, it } from 'vitest';
import { rehearsalPreviousVersion, rehearsalVersion } from '../../../src/core/gates/rehearsal-version.js';

describe('the version a rehearsal promotes when none is typed', () => {
  it("is the first release of the rehearsal's UTC day", () => {
    expect(rehearsalVersion(Date.parse('2027-03-05T23:59:00Z'))).toBe('v2027.03.05.1');
    expect(rehearsalVersion(Date.parse('2027-03-06T00:00:00+02:00'))).toBe('v2027.03.05.1');
  });

  it('rolls back to a release two weeks older, across a month end', () => {
    expect(rehearsalPreviousVersion(Date.parse('2027-03-05T12:00:00Z'))).toBe('v2027.02.19.1');
  });
});
