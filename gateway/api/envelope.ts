// Prometheus's HTTP API envelope: {status, data} on success, {status, errorType, error} on failure.

export type ErrorType = 'bad_data' | 'not_found' | 'internal' | 'unavailable' | 'timeout' | 'canceled' | 'execution';

/** A success envelope. */
export function success<T>(data: T): { status: 'success'; data: T } {
  return { status: 'success', data };
}

/** An error envelope. */
export function failure(errorType: ErrorType, error: string): { status: 'error'; errorType: ErrorType; error: string } {
  return { status: 'error', errorType, error };
}

/** The HTTP status Prometheus uses for each error type. */
export function statusFor(errorType: ErrorType): 400 | 404 | 422 | 500 | 503 {
  switch (errorType) {
    case 'bad_data':
      return 400;
    case 'not_found':
      return 404;
    case 'execution':
      return 422;
    case 'unavailable':
    case 'timeout':
    case 'canceled':
      return 503;
    default:
      return 500;
  }
}
