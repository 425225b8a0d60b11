// Preloaded into a benchmarked Node process: reports on exit, on stderr as JSON, the time its
// garbage collections took and the process's CPU time, so a bench can give GC's share.
// (PerformanceObserver is Node's global.)

let gcMs = 0;
let collections = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gcMs += entry.duration;
    collections++;
  }
});
observer.observe({ entryTypes: ['gc'] });
process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  process.stderr.write(`\n${JSON.stringify({ benchGcMs: gcMs, benchGcCount: collections, benchCpuMs: (user + system) / 1000 })}\n`);
});
