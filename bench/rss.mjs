/**
 * Preloaded into a measured process (`node --import ./bench/rss.mjs ...`): on exit, writes the process's peak
 * resident set size in bytes (worker threads included: they share the process) to $BENCH_RSS_FILE.
 */
import fs from 'node:fs';

const out = process.env.BENCH_RSS_FILE;
if (out) process.on('exit', () => fs.writeFileSync(out, String(process.resourceUsage().maxRSS * 1024)));
