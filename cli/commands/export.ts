import type { Register } from '../main.ts';
import { choiceOption, integerOption } from '../options.ts';
import { PRESET_NAMES } from '../../models/presets.ts';
import { VARIANTS, type Variant } from '../../models/variants.ts';
import { loadWeights } from '../../models/weights/load.ts';
import { exportModel } from '../../models/onnx/export.ts';
import { DEFAULT_INT8_KERNEL, FFN_LAYOUTS, INT8_KERNELS, type FfnLayout, type Int8Kernel } from '../../models/onnx/options.ts';
import type { TritonDevice } from '../../models/onnx/triton.ts';
import { InputError } from '../../harness/errors.ts';
import { onnxSpecFromOptions, type OnnxCliOptions } from './onnx-options.ts';

interface ExportOpts extends OnnxCliOptions {
  name?: string;
  preset: string;
  variant: Variant;
  out: string;
  weights?: string;
  seed: number;
  int8Kernel: Int8Kernel;
  ffnLayout: FfnLayout;
  device: TritonDevice;
}

export const registerExport: Register = (program) => {
  program
    .command('export')
    .description('write the ONNX graphs, the weights and a Triton Inference Server model repository for one variant')
    .requiredOption('--out <dir>', 'output folder (created)')
    .option('--preset <name>', `model size: ${PRESET_NAMES.join(', ')}`, choiceOption(PRESET_NAMES), 'small')
    .option('--variant <name>', `model variant: ${VARIANTS.join(', ')}`, choiceOption(VARIANTS), 'ugsep')
    .option('--weights <file>', 'safetensors weights (wins over --preset/--seed)')
    .option('--seed <n>', 'generator seed when no --weights', integerOption(0), 1)
    .option('--int8-kernel <name>', `ugsep-w8a16 int8 kernel baked into the graphs (auto calibrates at load, so export takes an explicit one): ${INT8_KERNELS.join(', ')}`, choiceOption(INT8_KERNELS), DEFAULT_INT8_KERNEL)
    .option('--ffn-layout <name>', `per-token FFN layout: ${FFN_LAYOUTS.join(', ')}`, choiceOption(FFN_LAYOUTS), 'per-token')
    .option('--device <kind>', 'Triton instance kind; gpu also builds fp16-activation int8 graphs for CUDA', choiceOption(['cpu', 'gpu'] as const), 'cpu')
    .option('--onnx <file>', 'export your own whole ONNX model instead (docs/own-model.md); checked against the contract first')
    .option('--onnx-user <file>', 'your own split model: the user graph (with --onnx-group); exported with an ensemble')
    .option('--onnx-group <file>', 'your own split model: the group graph (with --onnx-user)')
    .option('--onnx-names <map>', 'graph names of the contract tensors when they differ, e.g. user_features=u,group_features=g,scores=out')
    .option('--name <model>', 'Triton model name of your own model (default own_model)')
    .action(async (opts: ExportOpts) => {
      const onnx = onnxSpecFromOptions(opts, 'export');
      if (onnx) return exportOwnModel(onnx, opts);
      const weights = loadWeights({ weightsPath: opts.weights, preset: opts.preset, seed: opts.seed }, [opts.variant]);
      const manifest = exportModel({
        weights,
        variant: opts.variant,
        outDir: opts.out,
        device: opts.device,
        graphOptions: { int8Kernel: opts.int8Kernel, ffnLayout: opts.ffnLayout },
        provenance: opts.weights ? { source: opts.weights } : { generator: `ugbench seed=${opts.seed} preset=${opts.preset}` },
      });
      for (const g of manifest.graphs) process.stderr.write(`wrote ${g.onnxPath} (${(g.graph.model.byteLength / 2 ** 20).toFixed(1)} MiB) and triton/${g.tritonModel}\n`);
      if (manifest.ensemble) process.stderr.write(`wrote triton/${manifest.ensemble} (ensemble user -> group)\n`);
      process.stderr.write(`wrote ${manifest.weightsPath} and ${opts.out}/export.json\n`);
    });
};

/** --onnx*: the user's graphs, checked, copied into a Triton repository. */
async function exportOwnModel(spec: NonNullable<ReturnType<typeof onnxSpecFromOptions>>, opts: ExportOpts): Promise<void> {
  const name = opts.name ?? 'own_model';
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) throw new InputError('export', [`--name: expected a Triton model name (letters, digits, _ . -), got ${JSON.stringify(name)}`]);
  const { loadExternalModel } = await import('../../models/external/model.ts');
  const { exportExternalModel } = await import('../export/onnx-triton.ts');
  const manifest = exportExternalModel(loadExternalModel({ ...spec, name }), opts.out, name, opts.device);
  for (const m of manifest.models) process.stderr.write(`wrote triton/${m}\n`);
  if (manifest.ensemble) process.stderr.write(`wrote triton/${manifest.ensemble} (ensemble user -> group)\n`);
  process.stderr.write(`wrote ${opts.out}/export.json\n`);
}
