/** How the site writes times, numbers and GitHub handles. */
import { attr, externalLink, html, type Html } from './html.js';

/** `2026-12-07 04:46 UTC`, in a <time> element a reader's tools can read. */
export function time(iso: string): Html {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${iso}`;
  const text = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return html`<time datetime="${attr(date.toISOString())}">${text}</time>`;
}

/** The date alone, for tight cells. */
export function day(iso: string): Html {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return html`${iso}`;
  return html`<time datetime="${attr(date.toISOString())}"
    >${date.toISOString().slice(0, 10)}</time
  >`;
}

/** A metric or measure: integers as they are, others to 3 significant decimals at most. */
export function number(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'not computed';
  if (Number.isInteger(value)) return count(value);
  const abs = Math.abs(value);
  const digits = abs >= 100 ? 1 : abs >= 1 ? 3 : 3;
  return String(Number(value.toFixed(digits)));
}

/** `0.93 [0.88, 0.97]`: a value with its interval when there is one. */
export function withInterval(value: number | null, ci?: readonly [number, number]): string {
  return ci ? `${number(value)} [${number(ci[0])}, ${number(ci[1])}]` : number(value);
}

/** A count, in groups of three digits past 9999 (`100,000 rows`). */
export const count = (value: number) =>
  Math.abs(value) >= 10_000 ? value.toLocaleString('en-US') : String(value);

export const plural = (value: number, one: string, many = `${one}s`) =>
  `${count(value)} ${value === 1 ? one : many}`;

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const TEAM = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * A GitHub handle as a link to its profile (`@login`) or its organisation's team page
 * (`@org/team`); anything else (an e-mail address, a name) as text. A login may come with or
 * without its "@".
 */
export function handle(value: string, gone = false): Html {
  const bare = value.startsWith('@') ? value.slice(1) : value;
  // A GitHub App's bot (`github-actions[bot]`) has its page under /apps/.
  const bot = /^([A-Za-z0-9-]{1,39})\[bot\]$/.exec(bare);
  if (bot) return externalLink(bare, `https://github.com/apps/${bot[1]}`);
  const [login, team, ...rest] = bare.split('/');
  let url: string | undefined;
  if (rest.length === 0 && login && LOGIN.test(login)) {
    if (team === undefined) url = `https://github.com/${login}`;
    else if (TEAM.test(team)) url = `https://github.com/orgs/${login}/teams/${team}`;
  }
  const label = url ? `@${bare}` : value;
  const link = externalLink(label, url);
  return gone
    ? html`<span class="gone"
        ><span class="was">${link}</span> <span class="note">(no longer a member)</span></span
      >`
    : link;
}
