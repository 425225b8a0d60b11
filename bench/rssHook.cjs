// Preloaded into a benchmarked Node process: reports its peak RSS and its CPU time (user +
// system, all threads) on exit, on stderr, as JSON.
process.on('exit', () => {
  const u = process.resourceUsage();
  process.stderr.write(`\n${JSON.stringify({ benchMaxRssKiB: u.maxRSS, benchCpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 })}\n`);
});
