/**
 * The wall-clock deadline as one workflow timer, re-armed only when setBudget moves the deadline; it
 * wakes the main loop. (A timer started and cancelled by every wait of the loop cost history events per node.)
 */
import * as wf from '@temporalio/workflow';

export class DeadlineTimer {
  private armed: { at: number; scope: wf.CancellationScope } | null = null;

  constructor(private readonly wake: () => void) {}

  /** Arms the timer for `at`, unless it is armed for it already. */
  arm(at: number): void {
    if (this.armed?.at === at) return;
    this.armed?.scope.cancel();
    const scope = new wf.CancellationScope();
    this.armed = { at, scope };
    scope.run(() => wf.sleep(Math.max(1, at - Date.now()))).then(() => this.wake(), () => undefined);
  }

  disarm(): void {
    this.armed?.scope.cancel();
    this.armed = null;
  }
}
