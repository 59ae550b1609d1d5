/**
 * English stop words for complaint-term counts: the Snowball English list (Porter), with the
 * apostrophe-less forms tweets use, plus web noise (amp, http, rt) and a few fillers (just, get, now).
 * Negators are stop words here: "not" and "no" are in nearly every complaint and say nothing of its topic.
 */
export const STOP_WORDS: readonly string[] = [
  'a', 'about', 'above', 'after', 'again', 'against', 'all', 'am', 'an', 'and', 'any', 'are', "aren't", 'arent', 'as', 'at',
  'be', 'because', 'been', 'before', 'being', 'below', 'between', 'both', 'but', 'by', 'can', "can't", 'cant', 'cannot',
  'could', "couldn't", 'couldnt', 'did', "didn't", 'didnt', 'do', 'does', "doesn't", 'doesnt', 'doing', "don't", 'dont',
  'down', 'during', 'each', 'few', 'for', 'from', 'further', 'had', "hadn't", 'hadnt', 'has', "hasn't", 'hasnt', 'have',
  "haven't", 'havent', 'having', 'he', "he'd", "he'll", "he's", 'her', 'here', "here's", 'hers', 'herself', 'him',
  'himself', 'his', 'how', "how's", 'i', "i'd", "i'll", "i'm", "i've", 'im', 'ive', 'if', 'in', 'into', 'is', "isn't",
  'isnt', 'it', "it's", 'its', 'itself', "let's", 'me', 'more', 'most', "mustn't", 'my', 'myself', 'no', 'nor', 'not',
  'of', 'off', 'on', 'once', 'only', 'or', 'other', 'ought', 'our', 'ours', 'ourselves', 'out', 'over', 'own', 'same',
  "shan't", 'she', "she'd", "she'll", "she's", 'should', "shouldn't", 'shouldnt', 'so', 'some', 'such', 'than', 'that',
  "that's", 'thats', 'the', 'their', 'theirs', 'them', 'themselves', 'then', 'there', "there's", 'these', 'they',
  "they'd", "they'll", "they're", "they've", 'this', 'those', 'through', 'to', 'too', 'under', 'until', 'up', 'very',
  'was', "wasn't", 'wasnt', 'we', "we'd", "we'll", "we're", "we've", 'were', "weren't", 'what', "what's", 'when',
  "when's", 'where', "where's", 'which', 'while', 'who', "who's", 'whom', 'why', "why's", 'will', 'with', "won't",
  'wont', 'would', "wouldn't", 'wouldnt', 'you', "you'd", "you'll", "you're", "you've", 'youre', 'your', 'yours',
  'yourself', 'yourselves', 'just', 'get', 'got', 'also', 'now', 'one', 'amp', 'http', 'https', 'rt', 'via', 'us',
];
