import { CanonicalToken, EnergyContract, PROFILE_TYPES, TOKEN_DENIALS, TokenType, WHITELIST_TYPES } from './token.model';
import type { HeldTokenRow } from './held-token';

/** Flag bits of a packed Token (see PackedTokens). */
const VALID = 1; // bit 0; whitelist: bits 1-2; default_profile_type + 1: bits 3-5 (0: none); denial + 1: bits 6-7 (0: none)
/** The uid as written differs from its key (mixed or lower case) and is stored after the key. */
const UID_WRITTEN = 1 << 8;
/** A string of the Token has a character beyond Latin-1: its strings live in `wide`, not in `text`. */
const WIDE = 1 << 9;
/** Length marking a null visual_number. */
const NO_VALUE = 0xffff;
/** Records at first (grown by doubling). */
const INITIAL_CAPACITY = 1024;

/** The strings of a Token kept outside `text` (one with a character beyond Latin-1: rare). */
interface WideStrings {
  key: string;
  uid: string;
  contract_id: string;
  visual_number: string | null;
}

/**
 * Shared strings by number (issuer, group_id, language: the same few values for many Tokens), 0 standing for null.
 * Shared by the tables of every TokenType of one TokenCache.
 */
export class StringTable {
  private readonly ids = new Map<string, number>();
  private readonly values: Array<string | null> = [null];

  idOf(value: string | null): number {
    if (value === null) return 0;
    let id = this.ids.get(value);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(value);
      this.ids.set(value, id);
    }
    return id;
  }

  valueOf(id: number): string | null {
    return this.values[id];
  }
}

/**
 * The Tokens of one TokenType, held for real-time authorization (TokenCache) in a few typed arrays instead of an
 * object per Token: a million Tokens are then a dozen arrays rather than millions of small objects (HeldToken objects,
 * key and contract strings, boxed timestamps) that every major garbage collection had to trace, and about 100 bytes
 * a Token (outside the JS heap) instead of about 235. Per Token (a record, numbered in order of arrival):
 * - its strings one after the other in `text` (Latin-1 bytes): the key (the uid upper-cased: CiString, looked up
 *   case-insensitively), the uid as written when it differs, contract_id, visual_number; a Token with a character
 *   beyond Latin-1 keeps its strings in `wide` instead (none of our uids: printable ASCII, but issuer-given fields may);
 * - valid, whitelist, default_profile_type and denial as bits of `flags` (indexes into the spec's enums);
 * - issuer, group_id and language as numbers into a StringTable;
 * - valid_until (NaN: none), last_updated and change_seq as numbers (epoch ms); energy_contract, rare, in a map.
 * Found by an open-addressing hash table of record numbers (`slots`, linear probing, at most half full). A change of a
 * Token rewrites its record and appends its strings anew; the bytes left behind are reclaimed once they are half of `text`.
 * Tokens are never removed (a Token is blocked, not deleted).
 */
export class PackedTokens {
  private count = 0;
  private capacity = INITIAL_CAPACITY;
  private hashes = new Uint32Array(INITIAL_CAPACITY);
  private textAt = new Uint32Array(INITIAL_CAPACITY);
  private keyLength = new Uint16Array(INITIAL_CAPACITY);
  private contractLength = new Uint16Array(INITIAL_CAPACITY);
  private visualLength = new Uint16Array(INITIAL_CAPACITY);
  private flags = new Uint16Array(INITIAL_CAPACITY);
  private issuer = new Uint32Array(INITIAL_CAPACITY);
  private groupId = new Uint32Array(INITIAL_CAPACITY);
  private language = new Uint32Array(INITIAL_CAPACITY);
  private validUntil = new Float64Array(INITIAL_CAPACITY);
  private lastUpdated = new Float64Array(INITIAL_CAPACITY);
  private changeSeq = new Float64Array(INITIAL_CAPACITY);
  private readonly energyContracts = new Map<number, EnergyContract>();
  private readonly wide = new Map<number, WideStrings>();
  /** Record number + 1 per slot (0: empty); the length is a power of two. */
  private slots = new Int32Array(INITIAL_CAPACITY * 2);
  private text = Buffer.alloc(INITIAL_CAPACITY * 32);
  private textUsed = 0;
  /** Bytes of `text` no record points to any more (strings of a Token before its last change). */
  private textGarbage = 0;

  constructor(private readonly strings: StringTable) {}

  /** How many Tokens are held. */
  get size(): number {
    return this.count;
  }

  /** Bytes of the typed arrays this table holds (outside the JS heap; the maps of rare fields not counted). */
  get bytes(): number {
    const arrays = [this.hashes, this.textAt, this.keyLength, this.contractLength, this.visualLength, this.flags, this.issuer, this.groupId, this.language];
    return (
      arrays.reduce((sum, a) => sum + a.byteLength, 0) +
      this.validUntil.byteLength +
      this.lastUpdated.byteLength +
      this.changeSeq.byteLength +
      this.slots.byteLength +
      this.text.length
    );
  }

  /** The Token held under `key` (an upper-cased uid), rebuilt whole, or undefined. */
  get(key: string, type: TokenType): CanonicalToken | undefined {
    const i = this.find(key, hashOf(key));
    return i < 0 ? undefined : this.tokenAt(i, key, type);
  }

  /** Holds `row` under `key` (its uid upper-cased) unless a Token with the same or a later change number is held. */
  put(key: string, row: HeldTokenRow): void {
    const hash = hashOf(key);
    let i = this.find(key, hash);
    if (i >= 0) {
      if (this.changeSeq[i] >= row.change_seq) return;
      if ((this.flags[i] & WIDE) === 0) this.textGarbage += this.textLengthOf(i);
      this.wide.delete(i);
    } else {
      if (this.count === this.capacity) this.grow();
      i = this.count++;
      this.hashes[i] = hash;
      if (this.count * 2 > this.slots.length) this.rehash(this.slots.length * 2);
      else this.link(i);
    }
    this.write(i, key, row);
    if (this.textGarbage > 1 << 20 && this.textGarbage * 2 > this.textUsed) this.compactText();
  }

  private write(i: number, key: string, row: HeldTokenRow): void {
    const written = row.uid === key ? null : row.uid;
    let flags =
      (row.valid ? VALID : 0) |
      (WHITELIST_TYPES.indexOf(row.whitelist) << 1) |
      ((row.default_profile_type === null ? 0 : PROFILE_TYPES.indexOf(row.default_profile_type) + 1) << 3) |
      ((row.denial === null ? 0 : TOKEN_DENIALS.indexOf(row.denial) + 1) << 6) |
      (written === null ? 0 : UID_WRITTEN);
    const latin1 = isLatin1(key) && isLatin1(row.uid) && isLatin1(row.contract_id) && (row.visual_number === null || isLatin1(row.visual_number));
    // A uid whose upper case has another length ('ß' → 'SS') cannot share the key's length: kept whole in `wide`.
    const short = (written === null || written.length === key.length) && key.length < NO_VALUE && row.contract_id.length < NO_VALUE && (row.visual_number?.length ?? 0) < NO_VALUE;
    if (latin1 && short) {
      const visual = row.visual_number ?? '';
      this.ensureText(key.length * 2 + row.contract_id.length + visual.length);
      this.textAt[i] = this.textUsed;
      this.keyLength[i] = key.length;
      this.contractLength[i] = row.contract_id.length;
      this.visualLength[i] = row.visual_number === null ? NO_VALUE : visual.length;
      this.append(key);
      if (written !== null) this.append(written);
      this.append(row.contract_id);
      this.append(visual);
    } else {
      flags |= WIDE;
      this.wide.set(i, { key, uid: row.uid, contract_id: row.contract_id, visual_number: row.visual_number });
    }
    this.flags[i] = flags;
    this.issuer[i] = this.strings.idOf(row.issuer);
    this.groupId[i] = this.strings.idOf(row.group_id);
    this.language[i] = this.strings.idOf(row.language);
    this.validUntil[i] = row.valid_until_ms ?? NaN;
    this.lastUpdated[i] = row.last_updated_ms;
    this.changeSeq[i] = row.change_seq;
    if (row.energy_contract === null) this.energyContracts.delete(i);
    else this.energyContracts.set(i, row.energy_contract);
  }

  private tokenAt(i: number, key: string, type: TokenType): CanonicalToken {
    const flags = this.flags[i];
    let uid: string, contractId: string, visualNumber: string | null;
    if ((flags & WIDE) !== 0) {
      const w = this.wide.get(i)!;
      uid = w.uid;
      contractId = w.contract_id;
      visualNumber = w.visual_number;
    } else {
      let at = this.textAt[i] + this.keyLength[i];
      uid = key;
      if ((flags & UID_WRITTEN) !== 0) {
        uid = this.text.toString('latin1', at, at + this.keyLength[i]);
        at += this.keyLength[i];
      }
      contractId = this.text.toString('latin1', at, at + this.contractLength[i]);
      at += this.contractLength[i];
      const visual = this.visualLength[i];
      visualNumber = visual === NO_VALUE ? null : this.text.toString('latin1', at, at + visual);
    }
    const profile = (flags >> 3) & 7;
    const denial = (flags >> 6) & 3;
    const validUntil = this.validUntil[i];
    return {
      uid,
      type,
      contract_id: contractId,
      visual_number: visualNumber,
      issuer: this.strings.valueOf(this.issuer[i])!,
      group_id: this.strings.valueOf(this.groupId[i]),
      valid: (flags & VALID) !== 0,
      whitelist: WHITELIST_TYPES[(flags >> 1) & 3],
      language: this.strings.valueOf(this.language[i]),
      default_profile_type: profile === 0 ? null : PROFILE_TYPES[profile - 1],
      energy_contract: this.energyContracts.get(i) ?? null,
      valid_until: Number.isNaN(validUntil) ? null : new Date(validUntil).toISOString(),
      denial: denial === 0 ? null : TOKEN_DENIALS[denial - 1],
      last_updated: new Date(this.lastUpdated[i]).toISOString(),
    };
  }

  /** The record held under `key`, or -1. */
  private find(key: string, hash: number): number {
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const held = this.slots[slot];
      if (held === 0) return -1;
      const i = held - 1;
      if (this.hashes[i] === hash && this.keyIs(i, key)) return i;
    }
  }

  private keyIs(i: number, key: string): boolean {
    if ((this.flags[i] & WIDE) !== 0) return this.wide.get(i)!.key === key;
    const length = this.keyLength[i];
    if (length !== key.length) return false;
    const at = this.textAt[i];
    for (let c = 0; c < length; c++) if (this.text[at + c] !== key.charCodeAt(c)) return false;
    return true;
  }

  private link(i: number): void {
    const mask = this.slots.length - 1;
    let slot = this.hashes[i] & mask;
    while (this.slots[slot] !== 0) slot = (slot + 1) & mask;
    this.slots[slot] = i + 1;
  }

  private rehash(length: number): void {
    this.slots = new Int32Array(length);
    for (let i = 0; i < this.count; i++) this.link(i);
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    const grown = <T extends Uint16Array | Uint32Array | Float64Array>(old: T, make: new (n: number) => T): T => {
      const next = new make(capacity);
      next.set(old);
      return next;
    };
    this.hashes = grown(this.hashes, Uint32Array);
    this.textAt = grown(this.textAt, Uint32Array);
    this.keyLength = grown(this.keyLength, Uint16Array);
    this.contractLength = grown(this.contractLength, Uint16Array);
    this.visualLength = grown(this.visualLength, Uint16Array);
    this.flags = grown(this.flags, Uint16Array);
    this.issuer = grown(this.issuer, Uint32Array);
    this.groupId = grown(this.groupId, Uint32Array);
    this.language = grown(this.language, Uint32Array);
    this.validUntil = grown(this.validUntil, Float64Array);
    this.lastUpdated = grown(this.lastUpdated, Float64Array);
    this.changeSeq = grown(this.changeSeq, Float64Array);
    this.capacity = capacity;
  }

  /** Bytes record `i` takes in `text`. */
  private textLengthOf(i: number): number {
    const visual = this.visualLength[i];
    return this.keyLength[i] * ((this.flags[i] & UID_WRITTEN) !== 0 ? 2 : 1) + this.contractLength[i] + (visual === NO_VALUE ? 0 : visual);
  }

  private ensureText(bytes: number): void {
    if (this.textUsed + bytes <= this.text.length) return;
    const next = Buffer.alloc(Math.max(this.text.length * 2, this.textUsed + bytes));
    this.text.copy(next, 0, 0, this.textUsed);
    this.text = next;
  }

  private append(value: string): void {
    this.textUsed += this.text.write(value, this.textUsed, 'latin1');
  }

  /** Copies every record's strings into a fresh buffer, leaving out those of earlier versions. */
  private compactText(): void {
    const next = Buffer.alloc(Math.max(INITIAL_CAPACITY * 32, (this.textUsed - this.textGarbage) * 2));
    let used = 0;
    for (let i = 0; i < this.count; i++) {
      if ((this.flags[i] & WIDE) !== 0) continue;
      const length = this.textLengthOf(i);
      this.text.copy(next, used, this.textAt[i], this.textAt[i] + length);
      this.textAt[i] = used;
      used += length;
    }
    this.text = next;
    this.textUsed = used;
    this.textGarbage = 0;
  }
}

/** FNV-1a over the UTF-16 code units of `key`. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let c = 0; c < key.length; c++) h = Math.imul(h ^ key.charCodeAt(c), 0x01000193);
  return h >>> 0;
}

function isLatin1(value: string): boolean {
  for (let c = 0; c < value.length; c++) if (value.charCodeAt(c) > 0xff) return false;
  return true;
}
