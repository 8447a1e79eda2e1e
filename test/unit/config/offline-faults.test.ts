import { describe, expect, it } from 'vitest';
import { OFFLINE_FAULTS_ENV, PLANTED_FAULT_RATES, offlineFaultRates } from '../../../src/config/offlineFaults.js';

describe('the offline operators\' fault-injection switch', () => {
  it('is off unless set to on', () => {
    for (const setting of [undefined, '', ' ', 'off']) {
      expect(offlineFaultRates({ [OFFLINE_FAULTS_ENV]: setting })).toEqual({ draftFaultRate: 0, improveFaultRate: 0 });
    }
    expect(offlineFaultRates({ [OFFLINE_FAULTS_ENV]: 'on' })).toEqual({ draftFaultRate: 0.2, improveFaultRate: 0.05 });
    expect(offlineFaultRates({ [OFFLINE_FAULTS_ENV]: 'on' })).toEqual(PLANTED_FAULT_RATES);
  });

  it('refuses any other setting, naming the variable', () => {
    expect(() => offlineFaultRates({ [OFFLINE_FAULTS_ENV]: '1' })).toThrow(/CRUCIBLE_OFFLINE_FAULTS must be 'on' or 'off'/);
  });
});
