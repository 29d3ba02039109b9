import { CODE_LABEL, type ApiErrorCode } from '../../shared/errors';
import type { ErrorCode } from '../../shared/domain';

/** What each API error code means to a user; the pipeline's codes use their CODE_LABEL. */
const API_WORDS: Record<Exclude<ApiErrorCode, ErrorCode>, string> = {
  invalid_input: 'The request was not valid',
  unknown_channel: 'Not available in this version',
  not_implemented: 'Not available in this mode',
  not_supported: 'Not available in browser mode',
  internal: 'Something went wrong inside Intake',
  path_not_allowed: 'That location is outside the folders Intake may read',
  not_found: 'It no longer exists',
  run_not_found: 'That run has already ended',
  fs_error: 'The file system refused',
  library_busy: 'The library is busy in another program',
  busy: 'Busy with other work; try again shortly',
  inbox_full: 'The inbox is full',
  unknown_table: 'No such table',
  unknown_column: 'No such column',
  read_only_column: 'That column cannot be edited',
  read_only_table: 'That table is changed elsewhere (Settings)',
  invalid_value: 'That value does not fit the column',
  constraint: 'The library refused the change',
  unauthorized: 'Not signed in to this server',
  forbidden: 'Refused',
  forbidden_host: 'Refused by the server',
  forbidden_origin: 'Refused by the server',
  method_not_allowed: 'Refused by the server',
  unsupported_media_type: 'Refused by the server',
  payload_too_large: 'Too much data at once',
  transport: 'Intake could not be reached',
  bad_response: 'Intake gave no usable answer',
  http_error: 'The server answered with an error',
  bad_request: 'The request was not valid',
};

/** Human words for an error code; an unknown code (a newer server) reads as a plain failure. */
export function errorWords(code: string): string {
  if (Object.prototype.hasOwnProperty.call(API_WORDS, code)) return API_WORDS[code as keyof typeof API_WORDS];
  if (Object.prototype.hasOwnProperty.call(CODE_LABEL, code)) return CODE_LABEL[code as ErrorCode];
  return 'The request failed';
}
