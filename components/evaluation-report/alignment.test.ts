import { align, alignWords, errorRate, sumCounts, words } from "./alignment";

const ops = (r: string, h: string) => align(r, h).steps.map((s) => (s.op === "correct" ? s.ref : s.op === "substitution" ? `${s.ref}>${s.hyp}` : s.op === "deletion" ? `-${s.ref}` : `+${s.hyp}`));

describe("sclite word alignment", () => {
  it("an empty reference makes every heard word an insertion and has no word error rate", () => {
    const a = alignWords([], ["hello", "there"]);
    expect(a).toMatchObject({ words: 0, correct: 0, substitutions: 0, deletions: 0, insertions: 2, wordErrorRate: undefined });
  });

  it("an empty hypothesis deletes every reference word: WER 1", () => {
    const a = align("reset my password", "");
    expect(a).toMatchObject({ words: 3, correct: 0, substitutions: 0, deletions: 3, insertions: 0, wordErrorRate: 1 });
  });

  it("all words wrong are substitutions (cost 4 each) rather than a deletion and an insertion (cost 6)", () => {
    expect(align("cancel my subscription", "council by prescription")).toMatchObject({ words: 3, correct: 0, substitutions: 3, deletions: 0, insertions: 0, wordErrorRate: 1 });
  });

  it("more heard words than said words can give a WER above 1", () => {
    // ref "a", hyp "b c": 1 substitution + 1 insertion over 1 word.
    expect(align("a", "b c").wordErrorRate).toBe(2);
  });

  it("a repeated word dropped once is one deletion, placed at the first repetition", () => {
    // Walking back from the end a match is preferred, so the last two "no" match and the first is deleted.
    expect(ops("no no no", "no no")).toEqual(["-no", "no", "no"]);
    expect(align("no no no", "no no")).toMatchObject({ words: 3, correct: 2, deletions: 1, wordErrorRate: 1 / 3 });
  });

  it("a repeated word heard twice is one insertion", () => {
    expect(ops("the cat sat", "the the cat sat")).toEqual(["+the", "the", "cat", "sat"]);
  });

  it("ties: where two paths cost the same, the step nearest the end is a substitution before a deletion or insertion", () => {
    // "a b" vs "c": substitute a>c and delete b (4 + 3) costs the same as delete a and substitute b>c (3 + 4);
    // walking back from the end prefers the substitution, so the deletion falls on the first word.
    expect(ops("a b", "c")).toEqual(["-a", "b>c"]);
    // "a" vs "b c": insert b and substitute a>c, or substitute a>b and insert c (7 each): the last step is the substitution.
    expect(ops("a", "b c")).toEqual(["+b", "a>c"]);
  });

  it("a shifted word is a deletion and an insertion (6) rather than two substitutions (8)", () => {
    expect(ops("a b", "b c")).toEqual(["-a", "b", "+c"]);
    expect(align("a b", "b c")).toMatchObject({ correct: 1, substitutions: 0, deletions: 1, insertions: 1, wordErrorRate: 1 });
  });

  it("punctuation and case do not count as errors; apostrophes and hyphens inside words are kept", () => {
    expect(words("Hello, World! Don’t e-mail «Zürich».")).toEqual(["hello", "world", "don’t", "e-mail", "zürich"]);
    expect(align("Hello, World! Don't stop.", "hello world don't STOP")).toMatchObject({ words: 4, correct: 4, wordErrorRate: 0 });
    expect(align("don't stop", "dont stop")).toMatchObject({ substitutions: 1 });
    // A point or comma between digits is part of the number: 3.5 is not 35; a sentence's last point is dropped.
    expect(words("It costs 3.5 dollars, or 1,000 cents. Call 5.")).toEqual(["it", "costs", "3.5", "dollars", "or", "1,000", "cents", "call", "5"]);
    expect(align("3.5", "35")).toMatchObject({ substitutions: 1 });
    expect(words("e.g. U.S.")).toEqual(["eg", "us"]);
  });

  it("a data set's totals are the per-file counts summed, not the mean of per-file rates", () => {
    const files = [align("can you reset my password", "can you reset password please"), align("I want to cancel my subscription", "I want to council subscription")];
    expect(files.map((f) => [f.words, f.substitutions, f.deletions, f.insertions])).toEqual([
      [5, 0, 1, 1],
      [6, 1, 1, 0],
    ]);
    const total = sumCounts(files);
    expect(total).toEqual({ words: 11, correct: 8, substitutions: 1, deletions: 2, insertions: 1 });
    expect(errorRate(total)).toBeCloseTo(4 / 11, 12);
    expect(errorRate(total)).not.toBeCloseTo((2 / 5 + 2 / 6) / 2, 3);
  });
});
