const SECRET_KEYS = /pass(word)?|secret|token|credential|key$/i;

/** A deep copy of a JSON-like value with every secret-looking field replaced. */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = SECRET_KEYS.test(k) && (typeof v === 'string' || typeof v === 'number') ? '***' : redact(v);
    }
    return out;
  }
  return value;
}

/** Removes query parameters that carry secrets (temp URLs and the like) from a URL for logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:temp_url_sig|token|signature)=)[^&]*/gi, '$1***');
}
