// Preloaded into a measured child (node --import) when GNU time is absent: reports the child's own
// peak RSS on stderr at exit, which bench/_process.ts reads.
process.on('exit', () => {
  process.stderr.write(`\nspiral-bench-max-rss ${process.resourceUsage().maxRSS * 1024}\n`);
});
