// The optimizer section: per optimizer state dict, its settings per parameter group (lr, betas,
// momentum, weight_decay, eps and every other scalar) and what it keeps per parameter.
import { optimizerTitle, settingNames, settingText } from '../core/inspect/optimizerSettings';
import type { OptimizerSummary } from '../core/inspect/report';
import { formatInteger, plural } from '../core/format';
import type { Column } from './dom';
import { el, nameCode, section, table } from './dom';

function renderOne(o: OptimizerSummary): HTMLElement {
  const facts = [
    `${plural(o.parameters, 'parameter')} in ${plural(o.groups.length, 'group')}`,
    o.step !== undefined ? `step ${formatInteger(o.step)}` : null,
    o.stateKeys.length > 0 ? `state per parameter: ${o.stateKeys.join(', ')} (${formatInteger(o.parametersWithState)} of ${formatInteger(o.parameters)} have it)` : 'no per-parameter state',
  ].filter((f): f is string => f !== null);
  // Settings down, groups across: optimizers have many settings and few groups.
  type Row = { name: string; cells: string[] };
  const rows: Row[] = [
    { name: 'parameters', cells: o.groups.map((g) => formatInteger(g.parameters)) },
    ...settingNames(o).map((name) => ({ name, cells: o.groups.map((g) => settingText(g.settings[name])) })),
  ];
  const columns: Column<Row>[] = [
    { title: 'Setting', cell: (r) => nameCode(r.name) },
    ...o.groups.map((_, i): Column<Row> => ({ title: o.groups.length === 1 ? 'Value' : `Group ${i}`, cell: (r) => r.cells[i] })),
  ];
  return el('div', { className: 'optimizer' }, [
    el('h3', {}, [optimizerTitle(o)]),
    el('p', { className: 'optimizer-facts' }, [facts.join(' · ')]),
    table(columns, rows),
  ]);
}

export function renderOptimizers(optimizers: readonly OptimizerSummary[] | undefined): HTMLElement | null {
  if (!optimizers || optimizers.length === 0) return null;
  return section(optimizers.length === 1 ? 'Optimizer' : `Optimizers (${optimizers.length})`, optimizers.map(renderOne), 'optimizers');
}
