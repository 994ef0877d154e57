import { BridgeError } from '../../util/errors.js';
import { reactionKeyText } from './reaction-key-text.js';

/**
 * A Matrix reaction the platform has no emoji for (free text like "lol", an emoji newer than
 * the platform's set, a custom emoji it does not have). Unlike other unsupported features this
 * is told to the sender in the room: they chose the reaction and can pick another.
 */
export class ReactionUnavailableError extends BridgeError {
  constructor(platform: string, key: string) {
    super(
      'REACTION_UNAVAILABLE',
      `${platform} has no emoji for the reaction ${reactionKeyText(key)}, so it is not shown ` +
        `there; react with a standard emoji instead`,
    );
  }
}
