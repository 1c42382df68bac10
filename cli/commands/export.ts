import type { Register } from '../main.ts';
import { choiceOption, integerOption } from '../options.ts';
import { PRESET_NAMES } from '../../models/presets.ts';
import { VARIANTS, type Variant } from '../../models/variants.ts';
import { loadWeights } from '../../models/weights/load.ts';
import { exportModel } from '../../models/onnx/export.ts';
import { DEFAULT_INT8_KERNEL, FFN_LAYOUTS, INT8_KERNELS, type FfnLayout, type Int8Kernel } from '../../models/onnx/options.ts';
import type { TritonDevice } from '../../models/onnx/triton.ts';

interface ExportOpts {
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
    .action((opts: ExportOpts) => {
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
