import type { ServerResponse } from 'node:http';

/**
 * User-supplied bytes served from the bridge's own origin: nothing may load or run, and a
 * browser that opens the URL as a document gets a sandbox (no script, a unique origin), so a
 * file that slipped past the checks still cannot act as the bridge.
 */
export const USER_CONTENT_CSP = "default-src 'none'; sandbox";

/** JSON and plain-text answers are never documents: nothing loads, nothing frames them. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; sandbox";

/** Headers every answer on the listener starts with; a route may narrow or replace the CSP. */
export const BASELINE_HEADERS: Readonly<Record<string, string>> = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': API_CSP,
};

/** Sets the baseline on `res` before any route runs; `writeHead` headers still override. */
export function setBaselineHeaders(res: ServerResponse): void {
  for (const [name, value] of Object.entries(BASELINE_HEADERS)) res.setHeader(name, value);
}

/** The headers of an image served by its detected format (`sniffImage`), inline. */
export function imageHeaders(image: {
  mimetype: string;
  extension: string;
}): Record<string, string> {
  return {
    'content-type': image.mimetype,
    // The name is made here from the format, never taken from the uploader.
    'content-disposition': `inline; filename="image.${image.extension}"`,
    'content-security-policy': USER_CONTENT_CSP,
    'x-content-type-options': 'nosniff',
  };
}
