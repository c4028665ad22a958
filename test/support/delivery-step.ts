/**
 * A delivery step made up for a test's set-up (a state the scenario needs), not one the model declares: the use-cases
 * take only the steps of src/exchange/model/delivery-steps.ts.
 */
import type { DeliveryState, DeliveryStep } from '../../src/exchange/model/index.js';

export function setUpStep(from: readonly DeliveryState[], to?: DeliveryState): DeliveryStep {
  return { name: 'test-set-up', from, ...(to ? { to } : {}) };
}
