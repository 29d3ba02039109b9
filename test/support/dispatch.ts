import { dispatch } from '../../src/main/app/dispatch';

/** Calls a channel through the real dispatcher, as a door would; an error envelope becomes an Error carrying its `code`. */
export async function callThrough<T = unknown>(handlers: Parameters<typeof dispatch>[0], channel: string, input: unknown): Promise<T> {
  const env = await dispatch(handlers, channel, input);
  if (!env.ok) throw Object.assign(new Error(env.error.message), { code: env.error.code });
  return env.value as T;
}
