import { describe, expect, it } from 'vitest';
import { makeForm, typeInto } from '../../src/screens/form.js';

describe('typing into a form', () => {
  it('drops escape sequences whole, C1 and control characters, and keeps unicode', () => {
    const form = makeForm({ type: 'advance' }, 'Advance', [{ id: 'reason', label: 'Reason', value: '' }]);
    const typed = typeInto(form, 'ok \u001b]52;c;SGVsbG8=\u0007go\u009b2J\tnow\n é✓');
    expect(typed.fields[0].value).toBe('ok gonow é✓');
  });
});
