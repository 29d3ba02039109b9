import { describe, expect, it } from 'vitest';
import { clockTime, runStatusText } from '../../src/renderer/src/format';

describe('Recent runs status', () => {
  it('a run whose process died says when it stopped (its last heartbeat), in local HH:MM', () => {
    const lostAt = new Date(2026, 10, 27, 14, 5, 30).getTime();
    expect(clockTime(lostAt)).toMatch(/^14[:.]05/);
    expect(runStatusText({ status: 'interrupted', lostAt })).toBe(`Interrupted (the process stopped at ${clockTime(lostAt)})`);
  });

  it('a run interrupted by its own process (Ctrl-C, app closed) and other statuses read as before', () => {
    expect(runStatusText({ status: 'interrupted', lostAt: null })).toBe('Interrupted');
    expect(runStatusText({ status: 'running', lostAt: null })).toBe('Running');
    expect(runStatusText({ status: 'completed', lostAt: null })).toBe('Completed');
  });
});
