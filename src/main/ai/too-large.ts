import { IntakeError } from '../../shared/errors';

// Apart from http-fetch.ts so that openai.ts's capped fetch needs no node:http/https/zlib at start:
// those load with the first AI client (≈ 25 ms of a CLI command's start).

/** The error for an answer over the cap: the client hands it back as the cause of a connection error. */
export function answerTooLarge(url: string, what: string, maxBytes: number): IntakeError {
  return new IntakeError('ai_response_too_large', 'AI answer too large', {
    message: `The answer from ${url} ${what}, more than the ${Math.round(maxBytes / 1048576)} MiB an answer may have; it was not read.`,
  });
}
