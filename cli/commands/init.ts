/**
 * `ugbench init [name]`: write NAME.yaml (a commented starter scenario) and NAME.request.json (an
 * example request for `ugbench score`) in the current folder, then say what to run next. Never
 * overwrites a file unless --force.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Register } from '../main.ts';
import { InputError } from '../../harness/errors.ts';
import { presetConfig } from '../../models/presets.ts';
import { STARTER_PRESET, starterRequest, starterScenario } from '../init/starter.ts';

export const registerInit: Register = (program) => {
  program
    .command('init')
    .description('write NAME.yaml, a commented starter scenario that runs as written, and NAME.request.json, an example request for `ugbench score`')
    .argument('[name]', 'scenario name and file stem (letters, digits, - and _)', 'my-scenario')
    .option('--dir <dir>', 'folder to write into', '.')
    .option('--force', 'overwrite existing files')
    .action((name: string, opts: { dir: string; force?: boolean }) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(name)) throw new InputError('init', [`name: expected letters, digits, - and _ (a file stem), got ${JSON.stringify(name)}`]);
      const scenarioFile = join(opts.dir, `${name}.yaml`);
      const requestFile = join(opts.dir, `${name}.request.json`);
      const existing = [scenarioFile, requestFile].filter((f) => existsSync(f));
      if (existing.length > 0 && !opts.force) throw new InputError('init', existing.map((f) => `${f}: expected a new file, got an existing one (add --force to overwrite)`));
      writeFileSync(scenarioFile, starterScenario(name));
      writeFileSync(requestFile, starterRequest(presetConfig(STARTER_PRESET)));
      process.stdout.write(
        [
          `wrote ${scenarioFile} and ${requestFile}`,
          'next:',
          `  ugbench bench ${scenarioFile}                     # run it: prints a table, writes results/<UTC time>/`,
          '  ugbench export-results results/<UTC time>/results.json --format markdown',
          `  ugbench weights --preset ${STARTER_PRESET} --out ${name}.safetensors    # then score one request:`,
          `  ugbench score --weights ${name}.safetensors --request ${requestFile}`,
          '',
        ].join('\n'),
      );
    });
};
