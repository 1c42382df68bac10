/** Option parsers shared by commands: each rejects bad values with the option's name (exit 104). */
import { InvalidArgumentError } from 'commander';

export function integerOption(min: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^-?[0-9]+$/.test(value.trim()) || n < min) throw new InvalidArgumentError(`expected an integer >= ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function choiceOption<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string) => {
    if (!(choices as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${choices.join(', ')}, got ${JSON.stringify(value)}`);
    return value as T;
  };
}

export function positiveOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got ${JSON.stringify(value)}`);
  return n;
}
