/**
 * GPU memory utilisation from the driver (nvidia-smi). Only a driver reading counts: when the
 * tool is absent or fails, the answer is null and reports say "not available" — never a guess.
 */
import { execFile } from 'node:child_process';

export function readGpuMemoryUtilisation(timeoutMs = 3000): Promise<{ source: string; usedFraction: number } | null> {
  return new Promise((resolve) => {
    execFile('nvidia-smi', ['--query-gpu=memory.used,memory.total', '--format=csv,noheader,nounits'], { timeout: timeoutMs }, (error, stdout) => {
      if (error) {
        resolve(null);
        return;
      }
      let used = 0;
      let total = 0;
      for (const line of stdout.trim().split('\n')) {
        const [u, t] = line.split(',').map((s) => Number(s.trim()));
        if (Number.isFinite(u) && Number.isFinite(t)) {
          used += u!;
          total += t!;
        }
      }
      resolve(total > 0 ? { source: 'nvidia-smi', usedFraction: used / total } : null);
    });
  });
}
