/* global window */
// The link form: platform, workspace and channel pickers, linking and unlinking.
import { api } from './api.js';
import { $, option, setOptions } from './format.js';
import { platformName } from './platforms.js';

let connectors = [];
/** Bumped by every choice: an answer for an earlier choice must not fill the picker. */
let channelListing = 0;

/** New connector list (every refresh): the pickers keep what the person chose. */
export async function connectorsLoaded(list, me, showMessage) {
  connectors = list;
  setOptions(
    $('link-connector'),
    connectors.map((c) => option(c.id, c.display_name)),
  );
  await connectorChosen(me, showMessage, { onlyIfChanged: true });
}

/** Lists the chosen platform's workspaces; their channels again only when the choice changed. */
export async function connectorChosen(me, showMessage, { onlyIfChanged = false } = {}) {
  const c = connectors.find((x) => x.id === $('link-connector').value);
  const options = c ? c.workspaces.map((w) => option(w.workspace, w.workspace)) : [];
  const changed = setOptions($('link-workspace'), options);
  if (changed || !onlyIfChanged) await workspaceChosen(me, showMessage);
}

function pickerNote(text) {
  $('link-channel-note').textContent = text;
  $('link-channel-note').hidden = !text;
  $('link-submit').disabled = Boolean(text);
}

export async function workspaceChosen(me, showMessage) {
  const listing = ++channelListing;
  const c = connectors.find((x) => x.id === $('link-connector').value);
  const workspace = $('link-workspace').value;
  const picker = $('link-channel');
  const typed = $('link-channel-id');
  const canPick = c && c.lists_channels && workspace && me.level !== 'user';
  picker.hidden = !canPick;
  typed.hidden = !!canPick;
  pickerNote('');
  if (!canPick) return;
  try {
    const path = `/connectors/${encodeURIComponent(c.id)}/workspaces/${encodeURIComponent(workspace)}/channels`;
    const { channels } = await api('GET', path);
    if (listing !== channelListing) return;
    fillPicker(picker, channels);
  } catch (err) {
    if (listing !== channelListing) return;
    picker.hidden = true;
    typed.hidden = false;
    showMessage?.(`Cannot list the channels, so type the channel id: ${err.message}`);
  }
}

function fillPicker(picker, channels) {
  const previous = picker.value;
  picker.replaceChildren(
    ...channels.map((ch) => {
      const kind = ch.visibility && ch.visibility !== 'public' ? ` (${ch.visibility})` : '';
      const o = option(ch.channel, `${ch.name}${kind}${ch.linked_room_id ? ' (linked)' : ''}`);
      if (ch.linked_room_id) o.disabled = true;
      return o;
    }),
  );
  const free = channels.filter((ch) => !ch.linked_room_id);
  if (channels.length === 0) {
    pickerNote(
      'The bridge bot is in no channel of this workspace: add it to a channel on the platform first.',
    );
  } else if (free.length === 0) {
    pickerNote(
      'Every channel of this workspace is already linked: unlink one first, or add the bot to another channel.',
    );
  } else if (free.some((ch) => ch.channel === previous)) {
    picker.value = previous;
  } else {
    picker.value = free[0].channel;
  }
  picker.disabled = free.length === 0;
}

/** Returns the sentence to show; throws an ApiError with a plain sentence when refused. */
export async function linkRoom() {
  const picker = $('link-channel');
  const body = {
    room: $('link-room').value.trim(),
    connector: $('link-connector').value,
    workspace: $('link-workspace').value,
    channel: picker.hidden ? $('link-channel-id').value.trim() : picker.value,
  };
  $('link-submit').disabled = true;
  try {
    const result = await api('POST', '/links', body);
    $('link-room').value = '';
    return result.existed
      ? `Already linked: ${result.room_id} ↔ ${result.channel_name}`
      : `Linked ${result.room_id} ↔ ${result.channel_name}`;
  } finally {
    $('link-submit').disabled = false;
  }
}

/** Undefined when the person changed their mind. */
export async function unlinkChannel(l) {
  const name = l.channel_name ? `${l.channel_name} (${l.channel})` : l.channel;
  const where = `${platformName(l.connector)} channel ${name} in workspace ${l.workspace}`;
  if (!window.confirm(`Unlink ${where}?`)) return undefined;
  const path = `/links/${[l.connector, l.workspace, l.channel].map(encodeURIComponent).join('/')}`;
  await api('DELETE', path);
  return `Unlinked ${where}`;
}
