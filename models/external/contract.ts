/**
 * The I/O contract of a user's ONNX ranking model (docs/own-model.md), checked on load. Two forms:
 * - whole: inputs user_features [1 or R, Fu] and group_features [N, Fg] -> scores [N];
 * - split: a user graph user_features [R, Fu] -> state tensors (every output), and a group graph
 *   group_features [N, Fg] + every state tensor (dim 0 = 1) -> scores [N].
 * All float32. Names may be mapped per model. Fu and Fg come from the spec, else from the
 * graphs' static dims. Every mismatch is one message naming the graph, the tensor and the dim.
 */
import { InputError, describeValue } from '../../harness/errors.ts';
import { ELEM_TYPE_NAMES, FLOAT32, readOnnxGraph, type Dim, type OnnxGraphFile, type TensorSig } from './onnx-file.ts';

export const CONTRACT_NAMES = ['user_features', 'group_features', 'scores'] as const;
export type ContractName = (typeof CONTRACT_NAMES)[number];

/** A user model as a scenario (or the CLI) names it; paths already resolved. */
export interface ExternalModelSpec {
  name: string;
  whole?: string;
  user?: string;
  group?: string;
  /** contract name -> the graph's own name, when they differ */
  names?: Partial<Record<ContractName, string>>;
  Fu?: number;
  Fg?: number;
}

export interface CheckedModel {
  name: string;
  form: 'whole' | 'split';
  Fu: number;
  Fg: number;
  /** the graphs' names for the contract's tensors */
  names: Record<ContractName, string>;
  /** split: the user graph's outputs, fed to the group graph by name */
  stateNames: string[];
  whole?: OnnxGraphFile;
  user?: OnnxGraphFile;
  group?: OnnxGraphFile;
}

type Problems = string[];

const dtypeName = (t: number): string => ELEM_TYPE_NAMES[t] ?? `type ${t}`;

/** Read and check the graphs of `spec`; throws one InputError with every problem. */
export function loadCheckedModel(spec: ExternalModelSpec): CheckedModel {
  const problems: Problems = [];
  const context = `variant ${spec.name}`;
  const forms = [spec.whole !== undefined, spec.user !== undefined || spec.group !== undefined];
  if (forms[0] === forms[1]) throw new InputError(context, [`onnx: expected either whole: FILE or user: FILE and group: FILE, got ${forms[0] ? 'both' : 'neither'}`]);
  if (forms[1] && (spec.user === undefined || spec.group === undefined)) throw new InputError(context, [`onnx.${spec.user === undefined ? 'user' : 'group'}: expected the ${spec.user === undefined ? 'user' : 'group'} graph of the split form, got nothing`]);
  const read = (path: string, role: string): OnnxGraphFile | undefined => {
    try {
      return readOnnxGraph(path, role);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.problems.map((p) => `${role} graph ${path.split('/').pop() ?? path}: ${p}`));
      return undefined;
    }
  };
  const names = { user_features: spec.names?.user_features ?? 'user_features', group_features: spec.names?.group_features ?? 'group_features', scores: spec.names?.scores ?? 'scores' };
  const graphs = forms[0] ? { whole: read(spec.whole!, 'whole') } : { user: read(spec.user!, 'user'), group: read(spec.group!, 'group') };
  if (problems.length > 0) throw new InputError(context, problems);
  const userGraph = graphs.whole ?? graphs.user!;
  const groupGraph = graphs.whole ?? graphs.group!;
  const Fu = spec.Fu ?? staticDim(userGraph, names.user_features, 1);
  const Fg = spec.Fg ?? staticDim(groupGraph, names.group_features, 1);
  const stateNames = graphs.user ? graphs.user.outputs.map((o) => o.name) : [];
  if (graphs.whole) checkWhole(graphs.whole, names, Fu, Fg, problems);
  else checkSplit(graphs.user!, graphs.group!, names, Fu, Fg, problems);
  if (problems.length > 0) throw new InputError(context, problems);
  return { name: spec.name, form: graphs.whole ? 'whole' : 'split', Fu: Fu!, Fg: Fg!, names, stateNames, ...graphs };
}

function staticDim(g: OnnxGraphFile, name: string, axis: number): number | undefined {
  const d = g.inputs.find((t) => t.name === name)?.dims?.[axis];
  return typeof d === 'number' && d > 0 ? d : undefined;
}

/** A rule for one dimension: a fixed value, a feature length, or a symbolic (or 1) row count. */
type DimRule = { kind: 'feature'; what: 'Fu' | 'Fg'; value: number | undefined } | { kind: 'rows'; symbol: 'N' | 'R'; allowOne: boolean } | { kind: 'any' };

function checkTensor(g: OnnxGraphFile, kind: 'input' | 'output', t: TensorSig, rules: readonly DimRule[], shape: string, problems: Problems): void {
  const at = `${g.label}: ${kind} ${t.name}`;
  if (t.elemType !== FLOAT32) problems.push(`${at}: dtype: expected float32, got ${dtypeName(t.elemType)}`);
  if (t.dims === null) return void problems.push(`${at}: shape: expected ${shape}, got no shape in the file`);
  if (t.dims.length !== rules.length) return void problems.push(`${at}: rank: expected ${rules.length} (${shape}), got ${t.dims.length} (${describeDims(t.dims)})`);
  rules.forEach((rule, axis) => {
    const d = t.dims![axis]!;
    if (rule.kind === 'feature') {
      if (rule.value === undefined) problems.push(`${at}: dim ${axis}: expected a static ${rule.what} (or ${rule.what} in the scenario), got ${describeValue(d)}`);
      else if (d !== rule.value) problems.push(`${at}: dim ${axis}: expected ${rule.what} = ${rule.value}, got ${describeValue(d)}`);
    } else if (rule.kind === 'rows' && typeof d === 'number' && !(rule.allowOne && d === 1)) {
      problems.push(`${at}: dim ${axis}: expected a symbolic ${rule.symbol}${rule.allowOne ? ' or 1' : ''}, got ${d}`);
    }
  });
}

const describeDims = (dims: readonly Dim[]): string => `[${dims.join(', ')}]`;

/** Inputs must be exactly `expected` (by name): each missing and each extra one is a problem. */
function checkInputSet(g: OnnxGraphFile, expected: readonly string[], why: (name: string) => string, problems: Problems): void {
  const have = g.inputs.map((t) => t.name);
  for (const name of expected) if (!have.includes(name)) problems.push(`${g.label}: input ${name}: missing (${why(name)}; the graph's inputs are ${have.join(', ') || 'none'})`);
  for (const name of have) if (!expected.includes(name)) problems.push(`${g.label}: input ${name}: not in the contract (expected only ${expected.join(', ')})`);
}

function checkScores(g: OnnxGraphFile, names: Record<ContractName, string>, problems: Problems): void {
  const scores = g.outputs.find((t) => t.name === names.scores);
  if (!scores) return void problems.push(`${g.label}: output ${names.scores}: missing (the graph's outputs are ${g.outputs.map((t) => t.name).join(', ') || 'none'})`);
  checkTensor(g, 'output', scores, [{ kind: 'rows', symbol: 'N', allowOne: false }], '[N]', problems);
  for (const extra of g.outputs.filter((t) => t !== scores)) problems.push(`${g.label}: output ${extra.name}: not in the contract (expected only ${names.scores})`);
}

const inputNamed = (g: OnnxGraphFile, name: string): TensorSig | undefined => g.inputs.find((t) => t.name === name);

function checkWhole(g: OnnxGraphFile, names: Record<ContractName, string>, Fu: number | undefined, Fg: number | undefined, problems: Problems): void {
  checkInputSet(g, [names.user_features, names.group_features], () => 'a whole model takes the user and the candidates', problems);
  const user = inputNamed(g, names.user_features);
  const group = inputNamed(g, names.group_features);
  if (user) checkTensor(g, 'input', user, [{ kind: 'rows', symbol: 'R', allowOne: true }, { kind: 'feature', what: 'Fu', value: Fu }], '[1, Fu]', problems);
  if (group) checkTensor(g, 'input', group, [{ kind: 'rows', symbol: 'N', allowOne: false }, { kind: 'feature', what: 'Fg', value: Fg }], '[N, Fg]', problems);
  checkScores(g, names, problems);
}

function checkSplit(u: OnnxGraphFile, g: OnnxGraphFile, names: Record<ContractName, string>, Fu: number | undefined, Fg: number | undefined, problems: Problems): void {
  checkInputSet(u, [names.user_features], () => 'the user graph takes the user features', problems);
  const user = inputNamed(u, names.user_features);
  if (user) checkTensor(u, 'input', user, [{ kind: 'rows', symbol: 'R', allowOne: true }, { kind: 'feature', what: 'Fu', value: Fu }], '[R, Fu]', problems);
  if (u.outputs.length === 0) problems.push(`${u.label}: outputs: expected at least one state tensor, got none`);
  const states = u.outputs.map((t) => t.name);
  checkInputSet(g, [names.group_features, ...states], (n) => (n === names.group_features ? 'the group graph takes the candidates' : 'the user graph outputs it as state'), problems);
  const group = inputNamed(g, names.group_features);
  if (group) checkTensor(g, 'input', group, [{ kind: 'rows', symbol: 'N', allowOne: false }, { kind: 'feature', what: 'Fg', value: Fg }], '[N, Fg]', problems);
  for (const out of u.outputs) checkState(u, g, out, problems);
  checkScores(g, names, problems);
}

/** A state tensor: float32 in both graphs, same rank, dim 0 rows (R out, 1 in), other dims equal. */
function checkState(u: OnnxGraphFile, g: OnnxGraphFile, out: TensorSig, problems: Problems): void {
  const inp = inputNamed(g, out.name);
  const rank = out.dims?.length ?? 0;
  const rest = (out.dims ?? []).slice(1).map((): DimRule => ({ kind: 'any' }));
  checkTensor(u, 'output', out, [{ kind: 'rows', symbol: 'R', allowOne: true }, ...rest], `[R, ...] (${rank} dims)`, problems);
  if (!inp || out.dims === null) return;
  const at = `${g.label}: input ${out.name}`;
  if (inp.elemType !== FLOAT32) problems.push(`${at}: dtype: expected float32 (the state as the user graph outputs it), got ${dtypeName(inp.elemType)}`);
  if (inp.dims === null) return void problems.push(`${at}: shape: expected [1, ...] like the user graph's output, got no shape in the file`);
  if (inp.dims.length !== rank) return void problems.push(`${at}: rank: expected ${rank} (the user graph outputs ${describeDims(out.dims)}), got ${inp.dims.length} (${describeDims(inp.dims)})`);
  if (typeof inp.dims[0] === 'number' && inp.dims[0] !== 1) problems.push(`${at}: dim 0: expected 1 (one user's state) or symbolic, got ${inp.dims[0]}`);
  for (let axis = 1; axis < rank; axis++) {
    const want = out.dims[axis]!;
    const got = inp.dims[axis]!;
    if (typeof want === 'number' && typeof got === 'number' && want !== got) problems.push(`${at}: dim ${axis}: expected ${want} (the user graph's output ${out.name}), got ${got}`);
  }
}
