/**
 * How an archivist's words match a document: every word must appear somewhere in what identifies it (DocumentId,
 * number and notation, subject, sender and recipients), ignoring case and Vietnamese diacritics, so "cong van" finds
 * "Công văn" and "ttdt" finds "TTĐT".
 */
import type { EnvelopeRecord } from '../model/index.js';

/** Lower case, diacritics removed (đ included, which Unicode does not decompose). */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

/** The query's words, folded; empty when it has none. */
export function searchWords(query: string | undefined): string[] {
  return query ? foldText(query).split(/\s+/).filter((w) => w.length > 0).slice(0, 20) : [];
}

export function matchesWords(envelope: EnvelopeRecord, words: readonly string[]): boolean {
  if (words.length === 0) return true;
  const haystack = foldText([
    envelope.documentId,
    envelope.codeNumber && envelope.codeNotation ? `${envelope.codeNumber}/${envelope.codeNotation}` : '',
    envelope.codeNumber ?? '',
    envelope.codeNotation ?? '',
    envelope.subject ?? '',
    envelope.fromOrganId,
    ...envelope.toOrganIds,
  ].join('\n'));
  return words.every((word) => haystack.includes(word));
}
