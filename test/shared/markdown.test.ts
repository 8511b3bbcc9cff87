import { describe, expect, it } from 'vitest';
import { escapeMarkdown, inlineCode, markdownTable } from '../../shared/markdown/escape.js';

describe('escapeMarkdown', () => {
  it.each([
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['@everyone', '@\u200Beveryone'],
    ['**bold** _it_ `code`', '\\*\\*bold\\*\\* \\_it\\_ \\`code\\`'],
    ['[x](https://e.vil)', '\\[x\\](https://e.vil)'],
    ['a|b\nc', 'a\\|b c'],
    ['$x$ ~y~ #1 !z', '\\$x\\$ \\~y\\~ \\#1 \\!z'],
    ['a & b', 'a &amp; b'],
  ])('escapes %j', (text, expected) => {
    expect(escapeMarkdown(text)).toBe(expected);
  });
});

describe('inlineCode', () => {
  it('fences with more backticks than the text holds, and breaks mentions', () => {
    expect(inlineCode('a``b')).toBe('```a``b```');
    expect(inlineCode('`x')).toBe('`` `x ``');
    expect(inlineCode('hi @team\nbye')).toBe('`hi @\u200Bteam bye`');
  });

  it('names an empty value, which GFM would show as a raw pair of backticks', () => {
    expect(inlineCode('')).toBe('_(empty)_');
    expect(inlineCode(' ')).toBe('` `');
  });
});

describe('markdownTable', () => {
  it('keeps one cell per column even when a code span holds a pipe', () => {
    const table = markdownTable(['A', 'B'], [[inlineCode('x|y'), escapeMarkdown('p|q')]]);
    expect(table.split('\n')[2]).toBe('| `x\\|y` | p\\|q |');
  });
});
