// A step's fields as the panel shows them: core's stepFields (the list the tree and the CLI
// print too), with local times and grouped digits, as the rest of the panel writes them.
import { stepFields } from '../src/core/format';
import type { StepView } from '../src/panels/protocol';
import { formatNumber } from '../src/core/locale';
import { localTime } from './dom';

export function panelStepFields(step: StepView): [string, string][] {
  // The extension already applied the running-or-duration rule to `duration`; handing it in
  // as the vendor text, the rule gives the same answer again ('running' stays 'running').
  return stepFields({ ...step, durationText: step.duration }, { time: localTime, count: formatNumber });
}
