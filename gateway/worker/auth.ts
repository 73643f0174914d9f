// Access control at the Worker's edge: the API needs `Authorization: Bearer <SIGHTLINE_TOKEN>`, and a token must be set.
import { bearerToken, constantTimeEqual, PUBLIC_PATHS } from '../api/security.ts';

/** The one path answered while no token is configured: liveness, so the deployment shows up as misconfigured, not dead. */
export const LIVENESS_PATH = '/-/healthy';

/**
 * Returns the response refusing the request, or null when it may pass. Unlike the Node gateway, which may run
 * tokenless on loopback, a Worker is on the internet: without SIGHTLINE_TOKEN it refuses everything but liveness
 * (readiness too, so probes report the misconfiguration). With a token, the core's public paths stay open.
 */
export function checkAccess(request: Request, token: string | undefined): Response | null {
  const path = new URL(request.url).pathname;
  if (path === LIVENESS_PATH) return null;
  if (token === undefined || token === '') {
    return errorResponse(
      503,
      'unavailable',
      'Sightline on Workers needs an access token and none is set: run `wrangler secret put SIGHTLINE_TOKEN` ' +
        '(local development: put SIGHTLINE_TOKEN=… in .dev.vars or pass --var SIGHTLINE_TOKEN:…)',
    );
  }
  if (PUBLIC_PATHS.has(path)) return null;
  const given = bearerToken(request.headers.get('Authorization'));
  if (given === null) return errorResponse(401, 'unauthorized', 'missing token: send the header `Authorization: Bearer <SIGHTLINE_TOKEN>`');
  if (!constantTimeEqual(given, token)) return errorResponse(401, 'unauthorized', 'wrong token: the bearer token does not match SIGHTLINE_TOKEN');
  return null;
}

/** Prometheus's error envelope; 401s carry the challenge header HTTP requires. */
function errorResponse(status: 401 | 503, errorType: string, error: string): Response {
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8' };
  if (status === 401) headers['WWW-Authenticate'] = 'Bearer realm="sightline"';
  return new Response(JSON.stringify({ status: 'error', errorType, error }), { status, headers });
}
