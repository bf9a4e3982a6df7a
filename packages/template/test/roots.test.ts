/** rootNames: the names a template reads, which decide what a waiting instance keeps. */
import { describe, expect, it } from "vitest";
import { rootNames } from "../src/index.js";

const roots = (source: string) => [...rootNames(source)].sort();

describe("rootNames", () => {
  it("the first name of every path, in mustaches, sections, blocks and helper arguments", () => {
    expect(roots("{{profile.firstName}} {{#each recs as |r|}}{{r.name}} {{currency r.price cart.currency}}{{/each}}{{#if vip}}x{{/if}}")).toEqual(["cart", "profile", "recs", "vip"]);
  });

  it("block parameters and @data are not names of the scope", () => {
    expect(roots("{{#each items as |item i|}}{{item.sku}}{{i}}{{@index}}{{/each}}")).toEqual(["items"]);
  });

  it("`this.x` reads `x`: a binding read only that way is still kept", () => {
    expect(roots("code={{this.code}} {{this}}")).toEqual(["code"]);
    expect(roots("{{#with cart}}{{this.total}}{{/with}}")).toEqual(["cart", "total"]);
  });
});
