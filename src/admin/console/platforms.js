// Platforms by their names: the API, the audit log and the failure list name a platform by
// its connector id (`acme`), but people know it by its name ("Acme Chat"). The names come from
// /connectors at every refresh; an id no longer configured (an old audit entry) stays an id.
import { el } from './format.js';

const names = new Map();

export function platformsLoaded(connectors) {
  names.clear();
  for (const c of connectors) names.set(c.id, c.display_name);
}

export function platformName(id) {
  return names.get(id) ?? id;
}

/** The name, with the connector id as tooltip: the CLI and the erase form take ids. */
export function platformNode(id) {
  const node = el('span', platformName(id), 'platform');
  node.title = id;
  return node;
}

/** A failure's side: `matrix` or `remote:{connector}`. */
export function sourceName(source) {
  if (source === 'matrix') return 'Matrix';
  return source.startsWith('remote:') ? platformName(source.slice('remote:'.length)) : source;
}
