/**
 * How browser mode's page proves it holds the per-start token. Never a cookie (cookies reach
 * every port of 127.0.0.1): the printed URL carries it in the fragment, HTTP requests send
 * `Authorization: Bearer <token>`, and the events WebSocket offers two subprotocols, `intake`
 * and `bearer.<token>`; the server answers with `intake`.
 */
export const TOKEN_FRAGMENT_KEY = 'token';
export const WS_PROTOCOL = 'intake';
export const WS_TOKEN_PREFIX = 'bearer.';
