import { describe, expect, it } from 'vitest';
import { expected, tallyKinds, type Received } from './kinds.js';
import { ghostView } from './matrix-side.js';

const e = expected('t', 'mx', 0, 10, true);
const post = (text: string, reactions = 0, files: string[] = []) => ({ text, reactions, files });

/** What a clean delivery of `e` looks like on the other side. */
function clean(): Received {
  return {
    posts: [
      ...e.texts.map((t) => post(t, e.reactions.includes(t) ? 1 : 0)),
      ...e.files.map((f) => post('', 0, [f])),
    ],
  };
}

describe('fault stream kinds', () => {
  it('edits message i-4, reacts to i-3, deletes i-2 and sends a file after every fifth', () => {
    expect(e).toEqual({
      texts: [
        't-mx-r0-0-ed',
        't-mx-r0-1',
        't-mx-r0-3',
        't-mx-r0-4',
        't-mx-r0-5-ed',
        't-mx-r0-6',
        't-mx-r0-8',
        't-mx-r0-9',
      ],
      edits: ['t-mx-r0-0-ed', 't-mx-r0-5-ed'],
      reactions: ['t-mx-r0-1', 't-mx-r0-6'],
      deleted: ['t-mx-r0-2', 't-mx-r0-7'],
      files: ['t-mx-file-r0-4.txt', 't-mx-file-r0-9.txt'],
    });
  });

  it('expects no reactions in a direction whose stream sends none', () => {
    const without = expected('t', 'mx', 0, 10, true, false);
    expect(without.reactions).toEqual([]);
    expect({ ...without, reactions: e.reactions }).toEqual(e);
  });

  it('counts a clean delivery as exactly once for every kind', () => {
    const { tallies } = tallyKinds(e, clean());
    for (const t of Object.values(tallies))
      expect(t).toMatchObject({ lost: 0, duplicated: 0, reordered: 0 });
  });

  it('tells a lost edit, reaction, deletion and file, and a doubled reaction', () => {
    const r = clean();
    r.posts[0] = post('t-mx-r0-0'); // the edit did not arrive
    r.posts[1] = post('t-mx-r0-1', 2); // the reaction came twice
    r.posts.pop(); // a file is missing
    r.posts.push(post('t-mx-r0-2')); // the deletion did not arrive
    const { tallies, missing } = tallyKinds(e, r);
    expect(tallies.edit).toMatchObject({ lost: 1 });
    expect(missing.edit).toEqual(['t-mx-r0-0-ed']);
    expect(tallies.reaction).toMatchObject({ lost: 0, duplicated: 1 });
    expect(tallies.delete).toMatchObject({ lost: 1 });
    expect(tallies.file).toMatchObject({ lost: 1 });
  });

  it('reads a Matrix room as a client shows it: edits applied, redactions gone', () => {
    const g = '@ghost:hs';
    const ev = (event_id: string, type: string, content: Record<string, unknown>, sender = g) => ({
      event_id,
      type,
      sender,
      origin_server_ts: 0,
      content,
    });
    const view = ghostView(
      [
        ev('$1', 'm.room.message', { msgtype: 'm.text', body: 'a' }),
        ev('$2', 'm.room.message', { msgtype: 'm.text', body: 'b' }),
        ev('$3', 'm.room.message', {}), // redacted
        ev('$4', 'm.room.message', {
          body: '* a-ed',
          'm.new_content': { body: 'a-ed' },
          'm.relates_to': { rel_type: 'm.replace', event_id: '$1' },
        }),
        ev('$5', 'm.reaction', {
          'm.relates_to': { rel_type: 'm.annotation', event_id: '$2', key: '👍' },
        }),
        ev('$6', 'm.room.message', { msgtype: 'm.file', body: 'f.txt' }),
        ev('$7', 'm.room.message', { msgtype: 'm.text', body: 'not the ghost' }, '@someone:hs'),
      ],
      g,
    );
    expect(view.posts).toEqual([post('a-ed'), post('b', 1), post('', 0, ['f.txt'])]);
  });
});
