/**
 * Scenario names -> model things, with every problem reported at once (exit 104): variant names,
 * runtime names, presets and explicit configs are checked against the models/ registry here,
 * because harness/ does not know them.
 */
import { INT8_KERNEL_CHOICES } from '../../models/onnx/options.ts';
import { isAbsolute, dirname, resolve } from 'node:path';
import { InputError, describeValue } from '../../harness/errors.ts';
import type { ModelSpec, OnnxVariantEntry, Scenario } from '../../harness/scenario/schema.ts';
import type { ExternalModelSpec } from '../../models/external/contract.ts';
import { configProblems, type ModelConfig } from '../../models/config.ts';
import { PRESET_NAMES, presetConfig } from '../../models/presets.ts';
import { RUNTIME_NAMES, type RuntimeName } from '../../models/runtimes/registry.ts';
import { VARIANTS, type Variant } from '../../models/variants.ts';

export interface ModelChoice {
  /** preset name, or null for an explicit config or a weights file */
  preset: string | null;
  config?: ModelConfig;
  weightsPath?: string;
}

export function checkScenarioNames(scenario: Scenario, source: string): void {
  const problems: string[] = [];
  scenario.variants.forEach((v, i) => {
    if (typeof v !== 'string') return; // an ONNX variant: its graphs are checked when loaded
    if (!(VARIANTS as readonly string[]).includes(v)) problems.push(`variants[${i}]: expected one of ${VARIANTS.join(', ')}, got ${describeValue(v)}`);
  });
  scenario.runtimes.forEach((r, i) => {
    if (r.name !== 'auto' && !(RUNTIME_NAMES as readonly string[]).includes(r.name)) {
      problems.push(`runtimes[${i}].name: expected auto or one of ${RUNTIME_NAMES.join(', ')}, got ${describeValue(r.name)}`);
    }
    if (r.int8Kernel !== undefined && !(INT8_KERNEL_CHOICES as readonly string[]).includes(r.int8Kernel)) {
      problems.push(`runtimes[${i}].int8Kernel: expected one of ${INT8_KERNEL_CHOICES.join(', ')}, got ${describeValue(r.int8Kernel)}`);
    }
  });
  const checkModel = (m: Omit<ModelSpec, 'byRuntime'>, path: string): void => {
    if (m.preset !== undefined && !(PRESET_NAMES as readonly string[]).includes(m.preset)) {
      problems.push(`${path}.preset: expected one of ${PRESET_NAMES.join(', ')}, got ${describeValue(m.preset)}`);
    }
    if (m.config !== undefined) for (const p of configProblems(m.config)) problems.push(`${path}.config.${p}`);
  };
  checkModel(scenario.model, 'model');
  for (const [name, m] of Object.entries(scenario.model.byRuntime ?? {})) {
    if (!(RUNTIME_NAMES as readonly string[]).includes(name)) problems.push(`model.byRuntime.${name}: expected one of ${RUNTIME_NAMES.join(', ')}, got an unknown runtime`);
    checkModel(m, `model.byRuntime.${name}`);
  }
  if (problems.length > 0) throw new InputError(`scenario ${source}`, [...new Set(problems)].sort());
}

/** The model a runtime runs: model.byRuntime[runtime] when present, else model. */
export function modelFor(scenario: Scenario, runtime: RuntimeName, scenarioPath: string | null): ModelChoice {
  const m = scenario.model.byRuntime?.[runtime] ?? scenario.model;
  const weightsPath = m.weights === undefined ? undefined : isAbsolute(m.weights) || scenarioPath === null ? m.weights : resolve(dirname(scenarioPath), m.weights);
  if (weightsPath !== undefined) return { preset: null, weightsPath };
  if (m.config !== undefined) return { preset: null, config: m.config };
  const preset = m.preset ?? 'small';
  return { preset, config: presetConfig(preset) };
}

export function modelKey(choice: ModelChoice): string {
  return choice.weightsPath ?? choice.preset ?? JSON.stringify(choice.config);
}

export function asVariant(name: string): Variant {
  return name as Variant; // checked by checkScenarioNames
}

/** The scenario's built-in variants, in order (its ONNX variants are in onnxVariantSpecs). */
export function builtinVariants(scenario: Scenario): Variant[] {
  return scenario.variants.flatMap((v) => (typeof v === 'string' ? [asVariant(v)] : []));
}

/** For commands that run built-in variants only (sweep, search, surface, k8s): exit 104 on an ONNX variant. */
export function refuseOnnxVariants(scenario: Scenario, command: string): Variant[] {
  const problems = scenario.variants.flatMap((v, i) =>
    typeof v === 'string' ? [] : [`variants[${i}] (${v.name}): expected a built-in variant (${command} does not run your own ONNX models; ugbench bench does), got an onnx entry`],
  );
  if (problems.length > 0) throw new InputError(`scenario ${scenario.name}`, problems);
  return builtinVariants(scenario);
}

/** The scenario's ONNX variants as model specs, their paths relative to the scenario file. */
export function onnxVariantSpecs(scenario: Scenario, scenarioPath: string | null): ExternalModelSpec[] {
  const at = (file: string | undefined): string | undefined => (file === undefined || isAbsolute(file) || scenarioPath === null ? file : resolve(dirname(scenarioPath), file));
  return scenario.variants.flatMap((v): ExternalModelSpec[] => {
    if (typeof v === 'string') return [];
    const o: OnnxVariantEntry['onnx'] = v.onnx;
    return [{ name: v.name, whole: at(o.whole), user: at(o.user), group: at(o.group), names: o.names, Fu: o.Fu, Fg: o.Fg }];
  });
}
