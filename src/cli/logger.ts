import { pino, type Logger } from 'pino';

/**
 * The process logger: JSON lines on stdout. Secrets are redacted by path in
 * case a future log call passes a request or a key along.
 */
export function createLogger(level: string, shard?: string): Logger {
  return pino({
    level,
    base: shard ? { shard } : {},
    redact: { paths: ['api_key', 'admin_key', 'password', 'posPassword', '*.api_key', '*.admin_key', '*.password', '*.posPassword'], censor: '[secret]' },
  });
}
