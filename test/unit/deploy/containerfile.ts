import { readFileSync } from 'node:fs';

/** One build stage: its FROM and its instructions in order, continuation lines joined. */
export interface Stage {
  from: string;
  instructions: Array<[string, string]>;
  /** ARG before the first FROM (only on the first stage). */
  preamble: Record<string, string[]>;
  all(name: string): string[];
  /** The one instruction of that name (starting with `prefix`); throws if none or several. */
  one(name: string, prefix?: string): string;
}

function stage(from: string, preamble: Record<string, string[]> = {}): Stage {
  const instructions: Array<[string, string]> = [];
  const all = (name: string) => instructions.filter(([n]) => n === name).map(([, v]) => v);
  return {
    from,
    instructions,
    preamble,
    all,
    one(name, prefix = '') {
      const found = all(name).filter((v) => v.startsWith(prefix));
      if (found.length !== 1) throw new Error(`${found.length} ${name} ${prefix} instructions`);
      return found[0]!;
    },
  };
}

/** Parses a Containerfile well enough to check what it says (no variable expansion). */
export function readContainerfile(path: string): { stages: Stage[] } {
  const text = readFileSync(path, 'utf8').replace(/\\\n\s*/g, '');
  const preamble: Record<string, string[]> = {};
  const stages: Stage[] = [];
  for (const line of text.split('\n')) {
    const m = /^([A-Z]+)\s+(.*)$/.exec(line.trim());
    if (!m || line.trim().startsWith('#')) continue;
    const [, name, value] = m as unknown as [string, string, string];
    if (name === 'FROM') stages.push(stage(value, stages.length === 0 ? preamble : {}));
    else if (stages.length === 0) (preamble[name] ??= []).push(value);
    else stages[stages.length - 1]!.instructions.push([name, value]);
  }
  return { stages };
}

export const lastStage = (file: { stages: Stage[] }): Stage => file.stages[file.stages.length - 1]!;
