/**
 * The binder: every declaration of every file of a project in one namespace (as Go packages
 * and Terraform modules do): no imports, declaration order does not matter, duplicate
 * names are errors.
 */
import type * as A from "../syntax/ast.js";

/** A declaration together with the file it lives in. */
export interface Located<D> {
  decl: D;
  file: string;
}

export interface Symbols {
  profile?: Located<A.ProfileDecl>;
  types: Map<string, Located<A.TypeDecl>>;
  events: Map<string, Located<A.EventDecl>>;
  catalogs: Map<string, Located<A.CatalogDecl>>;
  audiences: Map<string, Located<A.AudienceDecl>>;
  actions: Map<string, Located<A.ActionDecl>>;
  fragments: Map<string, Located<A.FragmentDecl>>;
  templates: Map<string, Located<A.TemplateDecl>>;
  channels: Map<string, Located<A.ChannelDecl>>;
  journeys: Map<string, Located<A.JourneyDecl>>;
  experiences: Map<string, Located<A.ExperienceDecl>>;
  tests: Located<A.TestDecl>[];
  /** Every named declaration, for "declared more than once" and go to definition. */
  all: Map<string, Located<A.Declaration & { name: A.Ident }>>;
}

export interface Duplicate {
  first: Located<A.Declaration>;
  second: Located<A.Declaration>;
  name: string;
  span: A.Span;
}

export function emptySymbols(): Symbols {
  return {
    types: new Map(),
    events: new Map(),
    catalogs: new Map(),
    audiences: new Map(),
    actions: new Map(),
    fragments: new Map(),
    templates: new Map(),
    channels: new Map(),
    journeys: new Map(),
    experiences: new Map(),
    tests: [],
    all: new Map(),
  };
}

/** The table a declaration kind is kept in; channels and tests have their own namespaces. */
const TABLE: Partial<Record<A.Declaration["kind"], keyof Symbols>> = {
  TypeDecl: "types",
  EventDecl: "events",
  CatalogDecl: "catalogs",
  AudienceDecl: "audiences",
  ActionDecl: "actions",
  FragmentDecl: "fragments",
  TemplateDecl: "templates",
  JourneyDecl: "journeys",
  ExperienceDecl: "experiences",
};

function tableOf(s: Symbols, d: A.Declaration): Map<string, Located<A.Declaration>> | undefined {
  const table = TABLE[d.kind];
  return table ? (s[table] as Map<string, Located<A.Declaration>>) : undefined;
}

/**
 * Bind all files. Files are visited in path order, so which of two duplicates is "first"
 * never depends on the order files were given in.
 */
export function bind(files: A.SourceFile[]): { symbols: Symbols; duplicates: Duplicate[]; extraProfiles: Located<A.ProfileDecl>[] } {
  const symbols = emptySymbols();
  const duplicates: Duplicate[] = [];
  const extraProfiles: Located<A.ProfileDecl>[] = [];
  const channelSeen = new Map<string, Located<A.ChannelDecl>>();
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    for (const decl of f.declarations) {
      const loc = { decl, file: f.path };
      if (decl.kind === "Profile") {
        if (symbols.profile) extraProfiles.push(loc as Located<A.ProfileDecl>);
        else symbols.profile = loc as Located<A.ProfileDecl>;
        continue;
      }
      if (decl.kind === "TestDecl") {
        symbols.tests.push(loc as Located<A.TestDecl>);
        continue;
      }
      if (decl.kind === "ChannelDecl") {
        const prev = channelSeen.get(decl.name.name);
        if (prev) duplicates.push({ first: prev, second: loc, name: decl.name.name, span: decl.name.span });
        else {
          channelSeen.set(decl.name.name, loc as Located<A.ChannelDecl>);
          symbols.channels.set(decl.name.name, loc as Located<A.ChannelDecl>);
        }
        continue;
      }
      const named = decl as A.Declaration & { name: A.Ident };
      if (!named.name?.name) continue;
      const prev = symbols.all.get(named.name.name);
      if (prev) {
        duplicates.push({ first: prev, second: loc, name: named.name.name, span: named.name.span });
        continue;
      }
      symbols.all.set(named.name.name, loc as Located<A.Declaration & { name: A.Ident }>);
      tableOf(symbols, decl)?.set(named.name.name, loc);
    }
  }
  return { symbols, duplicates, extraProfiles };
}
