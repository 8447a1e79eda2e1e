/**
 * The offline operators' fault-injection switch, for tests (src/operators/offline/faults.ts): a test
 * that needs failures whose cause it knows (Debug's, or a policy's debug chains) turns it on for the
 * control worker. Off unless CRUCIBLE_OFFLINE_FAULTS says `on`: a normal run plants nothing.
 */

export const OFFLINE_FAULTS_ENV = 'CRUCIBLE_OFFLINE_FAULTS';

/** The probabilities that a Draft, and an Improve or a Crossover, plants a fault; Debug never does. */
export interface FaultRates {
  draftFaultRate: number;
  improveFaultRate: number;
}

/** The rates the switch turns on: a fault in one draft in five, and one improve or crossover in twenty. */
export const PLANTED_FAULT_RATES: Readonly<FaultRates> = Object.freeze({ draftFaultRate: 0.2, improveFaultRate: 0.05 });

const OFF: Readonly<FaultRates> = Object.freeze({ draftFaultRate: 0, improveFaultRate: 0 });

/** CRUCIBLE_OFFLINE_FAULTS: `on` plants faults at PLANTED_FAULT_RATES; unset, empty or `off`, none. */
export function offlineFaultRates(env: NodeJS.ProcessEnv): FaultRates {
  const setting = env[OFFLINE_FAULTS_ENV]?.trim() ?? '';
  if (setting === '' || setting === 'off') return { ...OFF };
  if (setting === 'on') return { ...PLANTED_FAULT_RATES };
  throw new Error(`${OFFLINE_FAULTS_ENV} must be 'on' or 'off' (fault injection for tests), not ${JSON.stringify(setting)}`);
}
