/** The suite's own judges must catch what they are meant to catch. */
import { describe, expect, it } from 'vitest';
import { mattermostMarkupRisks } from '../../../bench/adapters/mattermost.js';
import { unsafeMatrixHtml } from './matrix-html.js';

describe('unsafeMatrixHtml', () => {
  it('accepts the HTML the spec allows', () => {
    expect(
      unsafeMatrixHtml(
        '<p><b>b</b> <a href="https://x.org">l</a> <img src="mxc://s/m" alt="a"> ' +
          '<code class="language-js">c</code> <span data-mx-spoiler="">s</span></p>',
      ),
    ).toEqual([]);
  });
  it('flags scripts, handlers, styles, unsafe links and foreign images', () => {
    expect(
      unsafeMatrixHtml(
        '<script>x</script><b onclick="x">b</b><p style="x">p</p>' +
          '<a href="javascript:x">j</a><a href=" data:text/html,x">d</a>' +
          '<img src="https://evil.example/t.png"><iframe></iframe>',
      ),
    ).toEqual([
      '<script>',
      '<b onclick>',
      '<p style>',
      '<a href="javascript:x">',
      '<a href=" data:text/html,x">',
      '<img src="https://evil.example/t.png">',
      '<iframe>',
    ]);
  });
});

describe('mattermostMarkupRisks', () => {
  it('finds live links with unsafe schemes and channel-wide mentions', () => {
    const r = mattermostMarkupRisks(
      '[a](javascript:x) ![b](data:x) <vbscript:x> [ok](https://x.org) @channel hi @all',
    );
    expect(r.active).toEqual(['[a](javascript:', '![b](data:', '<vbscript:x>']);
    expect(r.roomPings).toEqual(['@channel', '@all']);
  });
  it('ignores escaped syntax and neutralised mentions', () => {
    expect(
      mattermostMarkupRisks('\\[a](javascript:x) \\<vbscript:x> \\@channel @\u200bhere mail@all'),
    ).toEqual({ active: [], roomPings: [] });
  });
});
