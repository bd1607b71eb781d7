// Preloaded with `node --import` by the benchmarks: writes the process's CPU time (user + system,
// in ms) to the file named by MODELGATE_BENCH_CPU when it exits, so a benchmark can measure the
// CPU of a child process, not only its wall time.
import { writeFileSync } from 'node:fs';

process.on('exit', () => {
  const { user, system } = process.cpuUsage();
  if (process.env.MODELGATE_BENCH_CPU) writeFileSync(process.env.MODELGATE_BENCH_CPU, String((user + system) / 1000));
});
