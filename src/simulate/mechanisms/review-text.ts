/**
 * Review wording by star rating, so the sentiment of the text is recoverable: 1–2 stars use
 * plainly negative words, 3 neutral ones, 4–5 plainly positive ones. Some texts hold commas and
 * quotes on purpose, so readers of the CSV must honour its quoting.
 */
export const REVIEW_TEXTS: Readonly<Record<1 | 2 | 3 | 4 | 5, readonly string[]>> = {
  1: [
    'Terrible. Broke after two days, I want a refund.',
    'Awful quality, very disappointed.',
    'Worst purchase ever; do not buy this.',
    'Completely useless and a waste of money.',
  ],
  2: [
    'Poor quality, not worth the price.',
    'Disappointing: it feels cheap and flimsy.',
    'Not good. Arrived late and scratched.',
  ],
  3: [
    'It is okay, nothing special.',
    'Average product, it does the job.',
    'Fine, but calling it "premium" is a stretch.',
  ],
  4: [
    'Good product, works well.',
    'Nice quality, happy with it.',
    'Very good, would buy again.',
  ],
  5: [
    'Excellent! Love it, perfect quality.',
    'Amazing product, highly recommend.',
    'Absolutely fantastic, the best purchase this year. Thank you!',
  ],
};

/** The sentiment the wording carries: -1 for 1–2 stars, 0 for 3, +1 for 4–5. */
export const RATING_SENTIMENT: Readonly<Record<1 | 2 | 3 | 4 | 5, -1 | 0 | 1>> = { 1: -1, 2: -1, 3: 0, 4: 1, 5: 1 };

/** All texts in one list (the writer quotes them once) and, per rating, their indices in it. */
export function reviewTextTable(): { texts: string[]; byRating: number[][] } {
  const texts: string[] = [];
  const byRating: number[][] = [[]];
  for (const r of [1, 2, 3, 4, 5] as const) {
    byRating[r] = REVIEW_TEXTS[r].map((t) => texts.push(t) - 1);
  }
  return { texts, byRating };
}
