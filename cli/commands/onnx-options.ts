/** The CLI's way to name a user's own ONNX model (score, export): --onnx, or --onnx-user + --onnx-group. */
import { InputError } from '../../harness/errors.ts';
import { CONTRACT_NAMES, type ContractName, type ExternalModelSpec } from '../../models/external/contract.ts';

export interface OnnxCliOptions {
  onnx?: string;
  onnxUser?: string;
  onnxGroup?: string;
  onnxNames?: string;
}

/** The model spec, or undefined when no --onnx* option was given. */
export function onnxSpecFromOptions(opts: OnnxCliOptions, name: string): ExternalModelSpec | undefined {
  if (opts.onnx === undefined && opts.onnxUser === undefined && opts.onnxGroup === undefined) return undefined;
  if (opts.onnx !== undefined && (opts.onnxUser !== undefined || opts.onnxGroup !== undefined)) throw new InputError(name, ['--onnx: expected either --onnx FILE or --onnx-user U --onnx-group G, got both']);
  if (opts.onnx === undefined && (opts.onnxUser === undefined || opts.onnxGroup === undefined)) throw new InputError(name, [`--onnx-${opts.onnxUser === undefined ? 'user' : 'group'}: expected a file (a split model needs both graphs), got none`]);
  const names = parseNames(opts.onnxNames ?? '', name);
  return opts.onnx !== undefined ? { name: 'onnx', whole: opts.onnx, names } : { name: 'onnx', user: opts.onnxUser!, group: opts.onnxGroup!, names };
}

function parseNames(text: string, name: string): Partial<Record<ContractName, string>> {
  const names: Partial<Record<ContractName, string>> = {};
  for (const pair of text.split(',').filter((p) => p !== '')) {
    const [key, graphName] = pair.split('=');
    if (!(CONTRACT_NAMES as readonly string[]).includes(key ?? '') || graphName === undefined || graphName === '') {
      throw new InputError(name, [`--onnx-names: expected contract=graph pairs with contract one of ${CONTRACT_NAMES.join(', ')}, got ${JSON.stringify(pair)}`]);
    }
    names[key as ContractName] = graphName;
  }
  return names;
}
