import type { Connector, ConnectorCapabilities } from './contract.js';

/**
 * A connector's capabilities: what it declares (threads, actor reactions, text limit) plus what
 * its optional methods say, so a method and a flag can never disagree.
 */
export function capabilitiesOf(connector: Connector): ConnectorCapabilities {
  const declared = connector.capabilities();
  const reacts = Boolean(connector.addReaction && connector.removeReaction);
  return {
    ...declared,
    edits: Boolean(connector.editMessage),
    deletes: Boolean(connector.deleteMessage),
    reactions: reacts && declared.actorReactions !== true,
    actorReactions: reacts && declared.actorReactions === true,
    files: Boolean(connector.downloadFile),
  };
}
