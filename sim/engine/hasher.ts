import { mix32 } from './hash.ts';

/**
 * A streaming 64-bit hash (two 32-bit murmur-style lanes) over a canonical encoding of values:
 * every value is written as a type tag followed by its content, numbers by their IEEE-754 bits
 * (-0 folded to 0), strings by their UTF-16 code units and length, object keys in sorted order.
 * So equal values hash equally on every machine, and `{a:1,b:2}` equals `{b:2,a:1}`.
 */
const TAG_NULL = 1;
const TAG_FALSE = 2;
const TAG_TRUE = 3;
const TAG_INT = 4;
const TAG_FLOAT = 5;
const TAG_STRING = 6;
const TAG_ARRAY = 7;
const TAG_OBJECT = 8;
const TAG_UNDEFINED = 9;

const floatView = new Float64Array(1);
const wordView = new Uint32Array(floatView.buffer);

export class Hasher64 {
  private h1 = 0x2545f491;
  private h2 = 0x9e3779b9;

  word(w: number): void {
    const k = mix32(w >>> 0);
    let h1 = this.h1 ^ k;
    h1 = (h1 << 13) | (h1 >>> 19);
    this.h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;
    let h2 = this.h2 ^ Math.imul(k, 0x27d4eb2f);
    h2 = (h2 << 17) | (h2 >>> 15);
    this.h2 = (Math.imul(h2, 9) + 0x165667b1) | 0;
  }

  number(x: number): void {
    if ((x | 0) === x && !Object.is(x, -0)) {
      this.word(TAG_INT);
      this.word(x);
    } else {
      this.word(TAG_FLOAT);
      floatView[0] = x === 0 ? 0 : x;
      this.word(wordView[0]);
      this.word(wordView[1]);
    }
  }

  string(s: string): void {
    this.word(TAG_STRING);
    this.word(s.length);
    let i = 0;
    for (; i + 1 < s.length; i += 2) this.word(s.charCodeAt(i) | (s.charCodeAt(i + 1) << 16));
    if (i < s.length) this.word(s.charCodeAt(i));
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.number(v);
        return;
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        this.word(v ? TAG_TRUE : TAG_FALSE);
        return;
      case 'undefined':
        this.word(TAG_UNDEFINED);
        return;
      case 'object':
        if (v === null) {
          this.word(TAG_NULL);
        } else if (Array.isArray(v)) {
          this.word(TAG_ARRAY);
          this.word(v.length);
          for (const item of v) this.value(item);
        } else {
          const record = v as Record<string, unknown>;
          const keys = Object.keys(record);
          // Most objects are written with their keys in order already: sort only when not.
          for (let i = 1; i < keys.length; i++) {
            if (keys[i - 1] > keys[i]) {
              keys.sort();
              break;
            }
          }
          this.word(TAG_OBJECT);
          this.word(keys.length);
          for (const key of keys) {
            this.string(key);
            this.value(record[key]);
          }
        }
        return;
      default:
        throw new TypeError(`cannot hash a ${typeof v} into the trace`);
    }
  }

  /** 16 hex digits; does not change the state, so hashing may go on. */
  hex(): string {
    const a = mix32(this.h1 ^ Math.imul(this.h2, 0x85ebca6b));
    const b = mix32(this.h2 ^ Math.imul(this.h1, 0xc2b2ae35));
    return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
  }
}
