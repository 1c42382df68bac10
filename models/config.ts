/**
 * The model family's shape: T tokens (Tu user tokens first, Tg = T - Tu group tokens), width D
 * (head width d = D / T), L layers, FFN expansion k, user / group feature lengths Fu, Fg.
 * See docs/model.md.
 */
import { InputError, describeValue } from '../harness/errors.ts';

export interface ModelConfig {
  /** tokens per sample (user + group) */
  T: number;
  /** user tokens, placed first */
  Tu: number;
  /** model width; divisible by T */
  D: number;
  /** layers */
  L: number;
  /** FFN expansion factor: hidden width k * D */
  k: number;
  /** user feature length; divisible by Tu */
  Fu: number;
  /** group (candidate) feature length; divisible by Tg */
  Fg: number;
}

export const CONFIG_KEYS = ['T', 'Tu', 'D', 'L', 'k', 'Fu', 'Fg'] as const;

export interface DerivedShape extends ModelConfig {
  /** group tokens */
  Tg: number;
  /** head width D / T */
  d: number;
  /** FFN hidden width k * D */
  H: number;
  /** user feature chunk per user token */
  cu: number;
  /** group feature chunk per group token */
  cg: number;
}

export function derive(config: ModelConfig): DerivedShape {
  const Tg = config.T - config.Tu;
  return {
    ...config,
    Tg,
    d: config.D / config.T,
    H: config.k * config.D,
    cu: config.Fu / config.Tu,
    cg: config.Fg / Tg,
  };
}

/**
 * Every problem with a candidate config, each as `field: expected X, got Y`. Empty when valid.
 * Checks run independently so a user fixing a config sees everything at once.
 */
export function configProblems(input: unknown): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return [`config: expected an object with ${CONFIG_KEYS.join(', ')}, got ${describeValue(input)}`];
  }
  const raw = input as Record<string, unknown>;
  const problems: string[] = [];
  const ints: Partial<Record<(typeof CONFIG_KEYS)[number], number>> = {};
  for (const key of CONFIG_KEYS) {
    const value = raw[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      problems.push(`${key}: expected integer >= 1, got ${describeValue(value)}`);
    } else {
      ints[key] = value;
    }
  }
  for (const key of Object.keys(raw)) {
    if (!(CONFIG_KEYS as readonly string[]).includes(key)) {
      problems.push(`${key}: expected one of ${CONFIG_KEYS.join(', ')}, got an unknown field`);
    }
  }
  const { T, Tu, D, Fu, Fg } = ints;
  if (T !== undefined && T < 2) problems.push(`T: expected integer >= 2 (at least one user and one group token), got ${T}`);
  if (T !== undefined && Tu !== undefined && Tu >= T) problems.push(`Tu: expected integer in [1, T-1] = [1, ${T - 1}], got ${Tu}`);
  if (T !== undefined && D !== undefined && D % T !== 0) problems.push(`D: expected a multiple of T=${T}, got ${D}`);
  if (Tu !== undefined && Fu !== undefined && Fu % Tu !== 0) problems.push(`Fu: expected a multiple of Tu=${Tu}, got ${Fu}`);
  if (T !== undefined && Tu !== undefined && Tu < T && Fg !== undefined && Fg % (T - Tu) !== 0) {
    problems.push(`Fg: expected a multiple of Tg=T-Tu=${T - Tu}, got ${Fg}`);
  }
  return problems;
}

/** Validate and return a config, or throw an InputError listing every problem. */
export function parseConfig(input: unknown, context = 'model config'): ModelConfig {
  const problems = configProblems(input);
  if (problems.length > 0) throw new InputError(context, problems);
  const raw = input as Record<string, number>;
  return { T: raw.T!, Tu: raw.Tu!, D: raw.D!, L: raw.L!, k: raw.k!, Fu: raw.Fu!, Fg: raw.Fg! };
}
