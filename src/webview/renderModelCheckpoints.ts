// Lightning's ModelCheckpoint state beside the metrics: what it monitors, the best and current
// scores, and the best checkpoints it kept.
import type { ModelCheckpointState } from '../core/inspect/report';
import { formatMetric } from '../core/format';
import type { Column } from './dom';
import { el, nameCode, section, table } from './dom';

function score(v: number | undefined): string {
  return v === undefined ? '' : formatMetric(v, 6);
}

function renderOne(m: ModelCheckpointState): HTMLElement {
  const facts: Array<[string, string]> = [
    ['monitor', m.monitor ?? 'None (saves the last)'],
    ...(m.mode ? ([['mode', m.mode]] as Array<[string, string]>) : []),
    ['best_model_score', score(m.bestModelScore)],
    ['current_score', score(m.currentScore)],
    ...(m.bestModelPath ? ([['best_model_path', m.bestModelPath]] as Array<[string, string]>) : []),
  ];
  const factColumns: Column<[string, string]>[] = [
    { title: 'Field', cell: ([k]) => nameCode(k) },
    { title: 'Value', cell: ([, v]) => v },
  ];
  const bestColumns: Column<{ path: string; score?: number }>[] = [
    { title: 'best_k_models', cell: (b) => nameCode(b.path) },
    { title: 'Score', numeric: true, cell: (b) => score(b.score), tooltip: (b) => (b.score === undefined ? '' : String(b.score)) },
  ];
  return el('div', { className: 'model-checkpoint' }, [
    el('h3', { title: m.key }, [m.label]),
    table(factColumns, facts),
    m.bestKModels.length > 0 ? table(bestColumns, m.bestKModels) : null,
  ]);
}

export function renderModelCheckpoints(states: readonly ModelCheckpointState[] | undefined): HTMLElement | null {
  if (!states || states.length === 0) return null;
  return section('ModelCheckpoint', states.map(renderOne), 'model-checkpoints');
}
