/**
 * Raft state has one writer: sim/model/etcd/raft/. The cluster's shortcuts (quiescence.ts,
 * fast-requests.ts) compute times and skip messages, and call raft/settled.ts for the state the
 * skipped messages would have produced; nothing else assigns a field of RaftState or of a
 * follower's Progress (etcd-io/raft deprecated exactly this kind of bypass of Step). This test reads
 * the sources and fails on any write outside the directory.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourceFiles } from '../../source-files.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const RAFT_DIR = join('sim', 'model', 'etcd', 'raft');


/** The fields of RaftState and Progress (sim/model/etcd/raft/types.ts), read from the source. */
function stateFields(): string[] {
  const types = readFileSync(join(root, RAFT_DIR, 'types.ts'), 'utf8');
  const fields = new Set<string>();
  for (const name of ['RaftState', 'Progress']) {
    const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(types);
    if (body === null) throw new Error(`interface ${name} not found in types.ts`);
    for (const m of body[1].matchAll(/^\s+(?:readonly\s+)?([a-zA-Z]+)\??:/gm)) fields.add(m[1]);
  }
  // Names the cluster's own objects also have (MemberSlot.state and .rngState, the cluster's and
  // the quiescence's `state`, `config`): a write to those is not a write to Raft state, and the
  // text cannot tell them apart. RaftState.config is readonly; Progress.state moves only in step().
  for (const shared of ['state', 'config', 'rngState', 'id']) fields.delete(shared);
  return [...fields];
}

function writesIn(text: string, fields: readonly string[]): string[] {
  const names = fields.join('|');
  const assign = new RegExp(`\\.(${names})\\s*(=(?!=|>)|\\+=|-=|\\+\\+|--)|(\\+\\+|--)[\\w.!\\[\\]]*\\.(${names})\\b|\\.(${names})\\.(push|pop|shift|unshift|splice|sort|fill)\\(|\\.(${names})\\.length\\s*=(?!=)`);
  return text.split('\n').filter((line) => assign.test(line) && !line.trim().startsWith('//') && !line.trim().startsWith('*'));
}

describe('Raft state has one writer (sim/model/etcd/raft/)', () => {
  const fields = stateFields();

  it('reads the fields to watch from types.ts', () => {
    expect(fields).toEqual(expect.arrayContaining(['term', 'votedFor', 'log', 'commit', 'role', 'lead', 'progress', 'readCtx', 'match', 'next', 'lastHeardMs']));
  });

  it('finds a write when there is one (the detector itself)', () => {
    expect(writesIn('    leader.readCtx++;', fields)).toHaveLength(1);
    expect(writesIn('    ++leader.readCtx;', fields)).toHaveLength(1);
    expect(writesIn('        s.log.push(entry);', fields)).toHaveLength(1);
    expect(writesIn('      s.commit = w.index;', fields)).toHaveLength(1);
    expect(writesIn('        leader.progress[m.id].lastHeardMs = answerMs;', fields)).toHaveLength(1);
    expect(writesIn('      if (s.commit === w.index) return;', fields)).toHaveLength(0);
  });

  it('no file under sim/ outside sim/model/etcd/raft/ writes a field of RaftState or Progress of the etcd model', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(root, 'sim', 'model', 'etcd'))) {
      const rel = relative(root, file);
      if (rel.startsWith(RAFT_DIR)) continue;
      for (const line of writesIn(readFileSync(file, 'utf8'), fields)) offenders.push(`${rel}: ${line.trim()}`);
    }
    expect(offenders).toEqual([]);
  });
});
