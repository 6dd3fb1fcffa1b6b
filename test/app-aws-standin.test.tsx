import { describe, expect, it } from 'vitest';
import { awsStandinWarning } from '../src/core/session/aws-standin-warning.js';
import { NOW, setup, shiftedEvents } from './support/app-session.js';

describe('the main screen of a rehearsal answered by the AWS CLI stand-in', () => {
  it('says "aws stand-in" in the header once the warning is in the journal, not only in the journal view', async () => {
    const app = setup(shiftedEvents(), { rehearsal: { scenario: 'healthy', speed: 60 } });
    await app.waitFor('REHEARSAL healthy ×60');
    expect(app.frame()).not.toContain('aws stand-in');
    app.conductor.dispatch({
      type: 'warning',
      at: NOW,
      message: awsStandinWarning(
        'DynamoDB and S3 emulators not installed (`npm install --include=optional` adds them)',
      ),
    });
    await app.waitFor('REHEARSAL healthy ×60 aws stand-in');
    expect(app.frame().split('\n')[0]).toContain('aws stand-in');
  });
});
