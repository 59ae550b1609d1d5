/** Types for `wink-sentiment` (AFINN-165 + emoji sentiment ranking), which ships none. */
declare module 'wink-sentiment' {
  export interface WinkSentimentToken {
    value: string;
    tag: string;
    score?: number;
    negation?: boolean;
  }
  export interface WinkSentimentResult {
    /** Sum of AFINN valences (−5…5 per word), negation-flipped. */
    score: number;
    /** score / number of scored tokens, roughly in [−5, 5]. */
    normalizedScore: number;
    tokenizedPhrase: WinkSentimentToken[];
  }
  function sentiment(phrase: string): WinkSentimentResult;
  export default sentiment;
}
