/**
 * A frame or field from a platform's event stream read as a JSON object: undefined for
 * anything else (not a string, not JSON, or JSON that is not an object: `null`, a number, an
 * array), so a broken or hostile server's frame is skipped, never dereferenced.
 */
export function parseJsonObject(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}
