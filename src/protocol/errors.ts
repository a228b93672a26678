/**
 * The error catalogue: every error a client can receive, with its stable
 * numeric code. docs/protocol.md lists the same table; a test keeps them equal.
 */
export const ERRORS = Object.freeze({
  invalid_json: { code: 4000, message: 'The frame is not valid JSON' },
  invalid_json5: { code: 4001, message: 'The frame is not valid JSON5' },
  invalid_request: { code: 4002, message: 'A request is an object with a string "command" and an object "parameters"' },
  missing_parameter_api: { code: 4003, message: 'Every request needs parameters.api_key' },
  invalid_instance: { code: 4004, message: 'Unknown or missing instance' },
  no_api_key: { code: 4005, message: 'This instance has no API key set' },
  api_key_mismatch: { code: 4006, message: 'The API key does not match this instance' },
  unknown_command: { code: 4007, message: 'Unknown command' },
  missing_parameter: { code: 4008, message: 'A required parameter is missing' },
  invalid_parameter: { code: 4009, message: 'A parameter has the wrong type or range' },
  not_found: { code: 4010, message: 'Not found' },
  invalid_password: { code: 4011, message: 'This point of sale needs a valid password' },
  crew_blocked: { code: 4012, message: 'This product cannot be paid with a crew payment method' },
  ticket_limit: { code: 4013, message: 'Too many units in one sale' },
  limit_reached: { code: 4014, message: 'A license limit is used up' },
  getlicense: { code: 4015, message: 'This instance has no valid license' },
  no_items: { code: 4016, message: 'The sale has no product with an Amount above 0' },
  license_inactive: { code: 4017, message: 'The license is inactive or expired' },
  idempotency_conflict: { code: 4018, message: 'This RequestID was already used for a different sale' },
  // The reference client expects the code of a ratelimit error to be an object
  // {command, retry_after}; the envelope builder fills it in.
  ratelimit: { code: null, message: 'Rate limit reached for this command' },
  internal_error: { code: 5000, message: 'Internal error' },
} as const);

export type ErrorName = keyof typeof ERRORS;

/** A failure that is answered to the client as a catalogued error envelope. */
export class ProtocolError extends Error {
  readonly error: ErrorName;
  readonly parameter: string | undefined;

  constructor(error: ErrorName, message?: string, parameter?: string) {
    super(message ?? ERRORS[error].message);
    this.name = 'ProtocolError';
    this.error = error;
    this.parameter = parameter;
  }
}

/** Shorthand for the most common failure: a parameter that is absent or wrong. */
export function badParameter(parameter: string, message: string, missing = false): ProtocolError {
  return new ProtocolError(missing ? 'missing_parameter' : 'invalid_parameter', message, parameter);
}
