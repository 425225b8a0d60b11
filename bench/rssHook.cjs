// Preloaded into a benchmarked Node process: reports its peak RSS on exit, on stderr, as JSON.
process.on('exit', () => {
  process.stderr.write(`\n${JSON.stringify({ benchMaxRssKiB: process.resourceUsage().maxRSS })}\n`);
});
