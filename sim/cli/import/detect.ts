// Which kind of configuration a file holds, from its content (never its name: config.d
// fragments and update.conf have no telling extension), and its import. One table: adding a
// format is a file and a row.

import { importAirlock, isAirlockConfig } from './airlock.ts';
import { ImportError, type Fragment } from './fragment.ts';
import { importKubectlList, isKubectlList } from './kubectl.ts';
import { importKuredHelmValues, importKuredManifest, isKuredHelmValues } from './kured.ts';
import { importUpdateConf, isEnvironmentFile } from './locksmith.ts';
import { importNebraskaGroup, isNebraskaGroup } from './nebraska.ts';
import { parseToml } from './toml-source.ts';
import { isRecord, parseYamlDocs } from './yaml-source.ts';
import { importZincati, isZincatiFragment } from './zincati.ts';

/** TOML's telltale lines: a `[table]` / `[[array]]` header, or `key = value` with spaces. */
function looksLikeToml(text: string): boolean {
  return /^\s*\[\[?[A-Za-z0-9_.\s-]+\]\]?\s*(#.*)?$/m.test(text) || /^\s*[a-z_][a-z0-9_]*\s+=\s/m.test(text);
}

export const FORMATS = [
  'kured DaemonSet manifest',
  'kured Helm values',
  'Zincati config fragment',
  'locksmith update.conf',
  'airlock config.toml',
  'Nebraska group JSON',
  'kubectl get nodes,pods,pdb -o json',
];

/** Imports one file; an ImportError (exit 2, located) when it is none of the formats or is broken. */
export function importFile(text: string, file: string): Fragment {
  if (isEnvironmentFile(text)) return importUpdateConf(text, file);
  if (looksLikeToml(text) && !/^\s*[{[]\s*$/m.test(text.split('\n').find((l) => l.trim() !== '') ?? '')) {
    const doc = parseToml(text, file);
    if (isZincatiFragment(doc.value)) return importZincati(doc);
    if (isAirlockConfig(doc.value)) return importAirlock(doc);
    throw new ImportError({ file, line: 1 }, `a TOML file that is neither a Zincati fragment ([updates], [identity]) nor an airlock config ([lock], [etcd3])`);
  }
  const docs = parseYamlDocs(text, file);
  const first = docs[0];
  if (first === undefined) throw new ImportError({ file, line: 1 }, 'empty file');
  if (docs.some((d) => isRecord(d.value) && typeof d.value.apiVersion === 'string' && typeof d.value.kind === 'string' && d.value.kind !== 'List')) {
    return importKuredManifest(docs, file);
  }
  if (isKubectlList(first.value)) return importKubectlList(first);
  if (isKuredHelmValues(first.value)) return importKuredHelmValues(first);
  if (isNebraskaGroup(first.value)) return importNebraskaGroup(first);
  throw new ImportError({ file, line: 1 }, `not a configuration fleetsim can import (it reads: ${FORMATS.join('; ')})`);
}
