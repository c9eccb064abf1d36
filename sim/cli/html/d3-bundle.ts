// d3's UMD bundle from the installed package: the HTML pages inline it, so they load nothing
// from the network (they open from a CI artifact, a mail attachment, an air-gapped machine).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function d3Bundle(): string {
  const entry = createRequire(import.meta.url).resolve('d3');
  return readFileSync(join(dirname(entry), 'd3.min.js'), 'utf8');
}
