// YAML and JSON inputs (Kubernetes manifests, Helm values, Nebraska's API answers, kubectl's
// Lists: JSON is YAML), parsed with the `yaml` package so that every value keeps its line.

import { LineCounter, parseAllDocuments, type Document } from 'yaml';
import { locate } from '../../scenario/locate.ts';
import { ImportError, type SourceRef } from './fragment.ts';

/** One parsed document and a way to find the line of any path in it. */
export interface YamlDoc {
  file: string;
  value: unknown;
  /** The source of the value at `path` (the nearest ancestor's when the path is not there). */
  at(path: readonly (string | number)[]): SourceRef;
}

/** Parses every document of a file (`---` separated); a syntax error is an ImportError, located. */
export function parseYamlDocs(text: string, file: string): YamlDoc[] {
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter, uniqueKeys: true });
  if (!Array.isArray(docs)) return [];
  const out: YamlDoc[] = [];
  for (const doc of docs as Document[]) {
    const error = doc.errors[0];
    if (error !== undefined) {
      const { line } = lineCounter.linePos(error.pos[0]);
      throw new ImportError({ file, line }, `not valid YAML or JSON: ${error.message.split('\n')[0]}`);
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    out.push({ file, value, at: (path) => ({ file, line: locate(doc, lineCounter, path).position.line }) });
  }
  return out;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
