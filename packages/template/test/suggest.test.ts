/** "Did you mean …?": close names only, by their real edit distance. */
import { editDistance, suggest, suggestTimeZone } from "@journey/template";
import { describe, expect, it } from "vitest";

describe("suggest", () => {
  it("offers a close name, and none for a long name whose only likeness is a length 4 apart", () => {
    expect(suggest("Unsubscribe", ["Unsubscribed", "SignedUp"])).toBe("Unsubscribed");
    expect(suggest("firstname", ["firstName"])).toBe("firstName");
    // 12 characters allow 4 edits; `SignedUp` is 8 long but nothing like it.
    expect(suggest("Unsubscribed", ["SignedUp"])).toBeUndefined();
  });

  it("editDistance is the Damerau–Levenshtein distance, also between names of very different lengths", () => {
    // No letter in common: every letter of the shorter is replaced, the rest inserted.
    expect(editDistance("abcdefghij", "xyz")).toBe(10);
    expect(editDistance("abcdefgh", "abcd")).toBe(4);
    expect(editDistance("ab", "ba")).toBe(1);
  });
});

describe("suggestTimeZone", () => {
  it("a close spelling of a whole name, or the zone of a city written alone, as people say it", () => {
    expect(suggestTimeZone("Europe/Stokholm")).toBe("Europe/Stockholm");
    expect(suggestTimeZone("Oslo")).toBe("Europe/Oslo");
    expect(suggestTimeZone("new york")).toBe("America/New_York");
    expect(suggestTimeZone("São Paulo")).toBe("America/Sao_Paulo");
    expect(suggestTimeZone("Stokholm")).toBe("Europe/Stockholm");
  });

  it("nothing for a name like no zone or city", () => {
    expect(suggestTimeZone("Mars/Base")).toBeUndefined();
    expect(suggestTimeZone("")).toBeUndefined();
  });
});
