/**
 * The tokeniser of the domain lexicon: lower-cased words with @handles, URLs and numbers removed,
 * and negation scope marked the way Das & Chen (2001) and Pang, Lee & Vaithyanathan (2002) do it:
 * every word after a negator up to the next clause punctuation gets a `not_` prefix, so
 * "not helpful" and "helpful" are different terms. `?` and `!` are terms too.
 */

const NEGATORS = new Set([
  'not', 'no', 'never', 'nothing', 'nobody', 'none', 'nowhere', 'neither', 'nor', 'cannot', 'without',
  "don't", "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "won't", "wouldn't", "can't",
  "couldn't", "shouldn't", "haven't", "hasn't", "hadn't", "ain't",
  'dont', 'doesnt', 'didnt', 'isnt', 'arent', 'wasnt', 'werent', 'wont', 'wouldnt', 'cant', 'couldnt',
  'shouldnt', 'havent', 'hasnt', 'hadnt', 'aint',
]);

const CLAUSE_END = /[.,;:!?()]/;

/** The domain-lexicon terms of one text, in order, with repeats. */
export function lexiconTerms(text: string): string[] {
  const cleaned = text
    .toLowerCase()
    .replace(/&amp;/g, '&')
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/@\w+/g, ' ')
    .replace(/[\u2018\u2019]/g, "'");
  const out: string[] = [];
  let negated = false;
  for (const piece of cleaned.match(/[a-z]+(?:'[a-z]+)?|[.,;:!?()]/g) ?? []) {
    if (CLAUSE_END.test(piece)) {
      // Questions and exclamations carry stance in short texts (a question is often a neutral request).
      if (piece === '?' || piece === '!') out.push(piece);
      negated = false;
      continue;
    }
    if (NEGATORS.has(piece)) {
      // The negator is a term of its own ("no response" is a complaint even without "response").
      out.push(piece.replace("'", ''));
      negated = true;
      continue;
    }
    out.push(negated ? `not_${piece}` : piece);
  }
  return out;
}
