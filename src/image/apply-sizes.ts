// Writes measured sizes into the report (step.sizeBytes, stage.sizeBytes) and keeps the account
// of what was measured and what was not, with why. Pure: no docker calls.
import type { BuildReport } from '../model/report.js';
import type { Dockerfile, DockerfileStage } from '../dockerfile/parse.js';
import type { LayerMap } from './map-layers.js';
import { isInstruction, stageNameOf, stepsAt } from './report-steps.js';
import type { SizeReport, StageSize } from './types.js';

export class SizeCollector {
  private readonly measured = new Map<DockerfileStage, StageSize>();
  private readonly notMeasured = new Map<DockerfileStage, string>();
  private readonly unmapped = new Map<string, string>();
  private readonly warnings: string[] = [];
  image: SizeReport['image'] = null;

  constructor(
    private readonly report: BuildReport,
    private readonly dockerfile: Dockerfile,
    private readonly keyOf: (stage: DockerfileStage) => string,
  ) {}

  isMeasured(stage: DockerfileStage): boolean {
    return this.measured.has(stage);
  }

  /** Records why a stage was not measured (the first reason given stands). */
  skip(stage: DockerfileStage, reason: string): void {
    if (!this.measured.has(stage) && !this.notMeasured.has(stage)) this.notMeasured.set(stage, reason);
  }

  warn(message: string): void {
    this.warnings.push(message);
  }

  /** Applies the mapping of one image's history: step layers, then the chain's stage sizes. */
  apply(map: LayerMap, from: StageSize['measuredFrom']): void {
    for (const m of map.steps) {
      const key = `${this.keyOf(m.stage)}#${m.index}`;
      const found = stepsAt(this.report, this.dockerfile, m.stage, m.index);
      const steps = found.filter((s) => isInstruction(s, m.inst));
      if (!steps.length) {
        const where = `${stageNameOf(m.stage)} ${m.index}`;
        this.unmapped.set(key, `the report has no step ${where} that is the instruction at line ${m.inst.lines.start}`);
      }
      for (const step of steps) {
        if (step.sizeBytes !== null && step.sizeBytes !== m.sizeBytes) {
          this.warn(`step ${step.id}: two images give its layer ${step.sizeBytes} and ${m.sizeBytes} bytes`);
        }
        step.sizeBytes ??= m.sizeBytes;
      }
    }
    for (const u of map.unmapped) {
      const id = stepsAt(this.report, this.dockerfile, u.stage, u.index)[0]?.id ?? `${this.keyOf(u.stage)}#${u.index}`;
      if (!this.unmapped.has(id)) this.unmapped.set(id, u.reason);
    }
    for (const s of map.stages) {
      if (s.totalBytes === null || this.measured.has(s.stage)) continue;
      const key = this.keyOf(s.stage);
      this.measured.set(s.stage, { key, totalBytes: s.totalBytes, addedBytes: s.addedBytes, measuredFrom: from });
      this.notMeasured.delete(s.stage);
      const summary = this.report.stages.find((st) => st.key === key);
      if (summary) summary.sizeBytes = s.totalBytes;
    }
  }

  result(): SizeReport {
    const order = (a: DockerfileStage, b: DockerfileStage) => a.position - b.position;
    const stepSized = new Map(this.report.steps.map((s) => [s.id, s.sizeBytes !== null]));
    return {
      image: this.image,
      measured: [...this.measured.keys()].sort(order).map((s) => this.keyOf(s)),
      notMeasured: [...this.notMeasured]
        .sort(([a], [b]) => order(a, b))
        .map(([s, reason]) => ({ stage: this.keyOf(s), reason })),
      stages: [...this.measured].sort(([a], [b]) => order(a, b)).map(([, size]) => size),
      // A step another image measured after all is no longer unmapped.
      unmappedSteps: [...this.unmapped].filter(([id]) => !stepSized.get(id)).map(([id, reason]) => ({ id, reason })),
      warnings: [...this.warnings],
    };
  }
}
