import { invalidUrlParam } from './errors.js';
import { isValidId } from './ids.js';
import type { Route } from './context.js';

export interface Match {
  route: Route;
  params: Record<string, string>;
}

interface Compiled {
  route: Route;
  segments: string[];
  literals: number;
}

/** Matches `/api/v4`-relative paths against `{param}` templates; most literal segments win. */
export class Router {
  private readonly compiled: Compiled[];

  constructor(routes: Route[]) {
    this.compiled = routes.map((route) => {
      const segments = route.path.split('/').filter(Boolean);
      return { route, segments, literals: segments.filter((s) => !s.startsWith('{')).length };
    });
  }

  /** `undefined` = no such path; `null` = path exists but not for this method. */
  match(method: string, path: string): Match | null | undefined {
    const parts = path.split('/').filter(Boolean);
    let best: { c: Compiled; params: Record<string, string> } | undefined;
    let pathExists = false;
    for (const c of this.compiled) {
      const params = matchSegments(c.segments, parts);
      if (!params) continue;
      pathExists = true;
      if (c.route.method !== method) continue;
      if (!best || c.literals > best.c.literals) best = { c, params };
    }
    if (best) return { route: best.c.route, params: best.params };
    return pathExists ? null : undefined;
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | null {
  if (segments.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as string;
    const part = parts[i] as string;
    if (seg.startsWith('{')) {
      params[seg.slice(1, -1)] = safeDecode(part);
    } else if (seg !== part) {
      return null;
    }
  }
  return params;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** Like the server's `Require*Id()` helpers: `*_id` params must be ids (`user_id` may be `me`). */
export function validateParams(params: Record<string, string>, selfId: string | undefined): void {
  for (const [name, value] of Object.entries(params)) {
    if (!name.endsWith('_id')) continue;
    if (name === 'user_id' && value === 'me' && selfId) {
      params[name] = selfId;
      continue;
    }
    if (!isValidId(value)) throw invalidUrlParam(name);
  }
}
