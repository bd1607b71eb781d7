// Child of bench/validate-cli.mjs: validates the cards under a folder in memory (read first, not
// timed), once each in a fresh process like the CLI, and prints the CPU ms of validation alone:
// of the first card (which loads and compiles what validation needs: start-up) and of the rest.
import { readFileSync } from 'node:fs';
import { validateCard } from '../lib/core/cards/index.js';
import { DEFAULT_CONFIG } from '../lib/core/config/index.js';

const [root, list] = process.argv.slice(2);
const cards = readFileSync(list, 'utf8').trim().split('\n').map((path) => ({ path, bytes: readFileSync(`${root}/${path}`) }));
const ms = (since) => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};
let start = process.cpuUsage();
let findings = validateCard(cards[0].path, cards[0].bytes, DEFAULT_CONFIG).findings.length;
const first = ms(start);
start = process.cpuUsage();
for (const c of cards.slice(1)) findings += validateCard(c.path, c.bytes, DEFAULT_CONFIG).findings.length;
console.log(JSON.stringify({ first, rest: ms(start), cards: cards.length, findings }));
