// The retention policy, editable in place: keep the latest N, the best K by a metric (min or
// max), every Kth step. Every change asks the host for the plan again; the form stays as typed.
import type { PolicyFields } from '../../shared/runViewProtocol';
import { el } from '../dom';

export interface PolicyForm {
  element: HTMLElement;
  value(): PolicyFields;
  set(change: Partial<PolicyFields>): void;
}

function numberField(label: string, name: keyof PolicyFields, value: number, hint: string): { row: HTMLElement; input: HTMLInputElement } {
  const input = el('input', { attrs: { type: 'number', min: '0', step: '1', name, id: `policy-${name}`, 'aria-describedby': `policy-${name}-hint` } });
  input.value = String(value);
  const row = el('div', { className: 'field' }, [el('label', { attrs: { for: `policy-${name}` } }, [label]), input, el('span', { className: 'hint', attrs: { id: `policy-${name}-hint` } }, [hint])]);
  return { row, input };
}

export function renderPolicyForm(policy: PolicyFields, metrics: readonly string[], onChange: (p: PolicyFields) => void): PolicyForm {
  const last = numberField('Keep latest', 'keepLast', policy.keepLast, '0: off');
  const best = numberField('Keep best', 'keepBest', policy.keepBest, 'by the metric below');
  const every = numberField('Keep every', 'keepEvery', policy.keepEvery, 'th step (0: off)');
  const metric = el('select', { attrs: { id: 'policy-metric', name: 'metric' } }, [
    el('option', { attrs: { value: '' } }, ["each run's own"]),
    ...metrics.map((m) => el('option', { attrs: { value: m } }, [m])),
  ]);
  metric.value = policy.metric;
  const mode = el('select', { attrs: { id: 'policy-mode', name: 'mode' } }, [
    el('option', { attrs: { value: 'auto' } }, ['from its name']),
    el('option', { attrs: { value: 'min' } }, ['lower is better']),
    el('option', { attrs: { value: 'max' } }, ['higher is better']),
  ]);
  mode.value = policy.mode;
  const count = (input: HTMLInputElement): number => {
    const n = Number(input.value);
    return Number.isSafeInteger(n) && n >= 0 ? n : 0;
  };
  const value = (): PolicyFields => ({ keepLast: count(last.input), keepBest: count(best.input), metric: metric.value, mode: mode.value as PolicyFields['mode'], keepEvery: count(every.input) });
  for (const input of [last.input, best.input, every.input]) input.addEventListener('input', () => onChange(value()));
  for (const select of [metric, mode]) select.addEventListener('change', () => onChange(value()));
  const element = el('fieldset', { className: 'policy' }, [
    el('legend', {}, ['Retention policy']),
    last.row,
    best.row,
    el('div', { className: 'field' }, [el('label', { attrs: { for: 'policy-metric' } }, ['Best by']), metric, el('label', { className: 'inline', attrs: { for: 'policy-mode' } }, ['where']), mode]),
    every.row,
  ]);
  return {
    element,
    value,
    set: (change) => {
      if (change.keepLast !== undefined) last.input.value = String(change.keepLast);
      if (change.keepBest !== undefined) best.input.value = String(change.keepBest);
      if (change.keepEvery !== undefined) every.input.value = String(change.keepEvery);
      if (change.metric !== undefined) metric.value = change.metric;
      if (change.mode !== undefined) mode.value = change.mode;
    },
  };
}
