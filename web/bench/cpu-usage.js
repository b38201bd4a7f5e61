// cpu-usage.js: preloaded by the grading bench (node --import) into the runner it times; at exit it
// writes the process's CPU time, every thread's included (getrusage), to the file named by
// NN_CPU_USAGE_FILE, so the bench can tell the work done from the share of the machine it got.
import { writeFileSync } from 'node:fs';

const file = process.env.NN_CPU_USAGE_FILE;
if (file) {
  process.on('exit', () => {
    const { userCPUTime, systemCPUTime } = process.resourceUsage();
    writeFileSync(file, JSON.stringify({ cpuSeconds: (userCPUTime + systemCPUTime) / 1e6 }));
  });
}
