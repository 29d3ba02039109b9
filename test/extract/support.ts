import type { IntakeError } from '../../src/shared/errors';

/** The error an extraction rejects with; fails the test when it resolves instead. */
export async function failure(p: Promise<unknown>): Promise<IntakeError> {
  try {
    await p;
  } catch (e) {
    return e as IntakeError;
  }
  throw new Error('expected the extraction to fail');
}
