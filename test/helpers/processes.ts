import { readFileSync } from 'node:fs';

/**
 * Whether a process is running: kill(0) reaches it and it is not a zombie waiting for a reaper (a
 * process whose parent exited may wait unreaped in a container). Without /proc, kill(0) decides.
 */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}
