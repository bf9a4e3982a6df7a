/** File names of `--messages`: safe on every file system, sortable, the same for the same run, never two alike. */
import { describe, expect, it } from "vitest";
import { fileTime, messageFileName, ordinal, safePart, testFolderName } from "./names.js";

const at = Date.parse("2026-03-02T14:15:00Z");
const email = { at, profileId: "p1", journey: "AbandonedCart", channel: "email", template: "CartReminder" };

describe("messageFileName", () => {
  it("numbers, time, profile, journey, channel and template", () => {
    expect(messageFileName(email, 0, 12)).toBe("0001-2026-03-02T14-15-00Z-p1-AbandonedCart-email-CartReminder");
  });

  it("leaves out what a message does not have: a journey, a template", () => {
    expect(messageFileName({ at, profileId: "p1", channel: "webhook" }, 4, 5)).toBe("0005-2026-03-02T14-15-00Z-p1-webhook");
  });

  it("is the same for the same message", () => {
    expect(messageFileName({ ...email }, 3, 9)).toBe(messageFileName(email, 3, 9));
  });

  it("keeps milliseconds only when there are some", () => {
    expect(fileTime(at + 250)).toBe("2026-03-02T14-15-00.250Z");
    expect(fileTime(at)).toBe("2026-03-02T14-15-00Z");
  });

  it("holds nothing a file system refuses or a shell reads as special", () => {
    for (const profileId of ["a/b", "a\\b", 'x:*?"<>|', "..", "  lead and trail  ", "tab\there", "nul\u0000byte", "CON", "emoji 🎉 id"]) {
      const name = messageFileName({ ...email, profileId }, 0, 1);
      expect(name).toMatch(/^[A-Za-z0-9_.-]+$/);
      expect(name).not.toMatch(/\.\.|[. ]$/);
    }
  });

  it("gives names that come out alike different numbers: no two files collide", () => {
    const ids = ["p/1", "p:1", "p?1", "P/1"];
    const names = ids.map((profileId, i) => messageFileName({ ...email, profileId }, i, ids.length));
    // After the number, the first three are alike, and the fourth differs in case only (one file on macOS and Windows).
    expect(new Set(names.map((n) => n.slice(5).toLowerCase())).size).toBe(1);
    expect(new Set(names.map((n) => n.toLowerCase())).size).toBe(ids.length);
  });

  it("keeps a long id short: the whole name well under 255 bytes", () => {
    const name = messageFileName({ ...email, profileId: "x".repeat(5000), journey: "J".repeat(300), template: "T".repeat(300) }, 0, 1);
    expect(Buffer.byteLength(name)).toBeLessThan(160);
  });

  it("sorts as the messages are numbered, past 9999 too", () => {
    const names = Array.from({ length: 10_001 }, (_, i) => messageFileName(email, i, 10_001));
    expect([...names].sort()).toEqual(names);
    expect(names[0]).toMatch(/^00001-/);
  });
});

describe("safePart", () => {
  it("keeps letters without their accents", () => {
    expect(safePart("Léa Dubois")).toBe("Lea_Dubois");
    expect(safePart("Jörg-Åsa")).toBe("Jorg-Asa");
  });

  it("gives an id in another script a short hash, different for different ids", () => {
    expect(safePart("张伟")).toMatch(/^[0-9a-f]{8}$/);
    expect(safePart("张伟")).toBe(safePart("张伟"));
    expect(safePart("张伟")).not.toBe(safePart("李娜"));
  });

  it("does not end in a separator when cut", () => {
    expect(safePart(`${"a".repeat(31)} bcd`)).toBe("a".repeat(31));
  });
});

describe("ordinal", () => {
  it("pads to the count's width, at least the minimum", () => {
    expect(ordinal(0, 5, 2)).toBe("01");
    expect(ordinal(99, 100, 2)).toBe("100");
    expect(ordinal(8, 120, 2)).toBe("009");
  });
});

describe("testFolderName", () => {
  it("is the test's name, words joined by dashes, after its number", () => {
    expect(testFolderName("the cart reminder goes out four hours later", 0, 6)).toBe("01-the-cart-reminder-goes-out-four-hours-later");
  });

  it("cuts a long name after a whole word (a word longer than half the limit is cut inside)", () => {
    expect(testFolderName("an hour after a cart is left, an email lists its items and their prices", 0, 6)).toBe("01-an-hour-after-a-cart-is-left-an-email-lists-its-items-and");
    expect(testFolderName("x".repeat(80), 0, 1)).toBe(`01-${"x".repeat(60)}`);
  });

  it("keeps tests whose names differ only in unsafe characters apart", () => {
    const names = ["email: sent?", "email/sent", "email sent"].map((n, i) => testFolderName(n, i, 3));
    expect(new Set(names).size).toBe(3);
    for (const n of names) expect(n).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
