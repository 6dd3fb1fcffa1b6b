import type { ServiceError } from './errors.js';
import type { Input } from './input.js';
import type { World } from './world.js';

/** One REST-JSON request as a route handler sees it (Lambda and API Gateway speak this protocol). */
export interface RestCall {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Input;
  now: number;
}

export interface RestResult {
  status: number;
  body: unknown;
}

/** An operation served at `method` + a path matching `pattern`, its groups named by `names`. */
export interface RestRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  operation: string;
  handle: (world: World, call: RestCall) => RestResult;
}

/** The operation a request names, its path parameters decoded, and the handler that serves it. */
export interface RestMatch {
  operation: string;
  params: Record<string, string>;
  handle: RestRoute['handle'];
}

/**
 * The route serving `method path`. A path the service owns but no route serves is the operation
 * 'Unknown', answered with the service's own not-found error, as AWS answers an unknown path.
 */
export function matchRestRoute(
  routes: readonly RestRoute[],
  method: string,
  path: string,
  notServed: () => ServiceError,
): RestMatch {
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match || route.method !== method) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      params[name] = decodeURIComponent(match[i + 1]);
    });
    return { operation: route.operation, params, handle: route.handle };
  }
  return {
    operation: 'Unknown',
    params: {},
    handle: () => {
      throw notServed();
    },
  };
}
