/** Where in the YAML file a problem is: line numbers, parse errors and tag warnings. */
import { isNode, type Document, type LineCounter } from 'yaml';
import type { ConfigProblem } from './errors.js';
import type { PathSegment } from './paths.js';

interface YamlIssue {
  message: string;
  linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, unknown];
}

function yamlPosition(issue: YamlIssue): string {
  const pos = issue.linePos?.[0];
  return pos ? `line ${pos.line}, column ${pos.col}: ` : '';
}

export function yamlProblem(issue: YamlIssue): ConfigProblem {
  // With prettyErrors the message ends with " at line N, column M:" and a source excerpt.
  const first = issue.message.split('\n')[0] ?? issue.message;
  const text = first.replace(/ at line \d+, column \d+:?$/, '');
  const problem: ConfigProblem = { path: '', message: `${yamlPosition(issue)}${text}` };
  const line = issue.linePos?.[0]?.line;
  if (line !== undefined) problem.line = line;
  return problem;
}

/** Line of the closest node to `segments` that exists in the file (not for the root). */
export function lineOf(
  doc: Document,
  lc: LineCounter,
  segments: readonly PathSegment[],
): number | undefined {
  for (let n = segments.length; n > 0; n--) {
    let node: unknown;
    try {
      node = doc.getIn(segments.slice(0, n), true);
    } catch {
      node = undefined;
    }
    if (isNode(node) && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

/** `!value` unquoted is a YAML tag, not text; say how to write it instead. */
export function unresolvedTagProblems(doc: Document): ConfigProblem[] {
  return doc.warnings
    .filter((w) => w.code === 'TAG_RESOLVE_FAILED')
    .map((w) => {
      const tag = /Unresolved tag: (\S+)/.exec(w.message)?.[1] ?? 'the value';
      return {
        ...yamlProblem(w),
        message:
          `${yamlPosition(w)}YAML reads ${tag} as a tag because it starts with "!": ` +
          `put the value in quotes ("${tag}")`,
      };
    });
}
