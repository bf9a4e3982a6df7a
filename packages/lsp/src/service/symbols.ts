/** Document symbols (the outline) and workspace symbols (go to symbol in workspace). */
import { blocksOf, type ast as A } from "@journey/compiler";
import { oneLine } from "./describe.js";
import { declKind, declName, definitions, type Doc } from "./document.js";
import type { Project } from "./project.js";
import type { DocumentSymbol, SymbolKind, WorkspaceSymbol } from "./types.js";

export function documentSymbols(doc: Doc): DocumentSymbol[] {
  const text = doc.text;
  return doc.file.declarations.map((d) => declarationSymbol(d, text));
}

function declarationSymbol(d: A.Declaration, text: string): DocumentSymbol {
  const name = declName(d);
  const dk = declKind(d);
  const kind: SymbolKind = d.kind === "TestDecl" ? "test" : dk && dk !== "param" ? dk : "type";
  const sym: DocumentSymbol = {
    // A test or a surface being typed may have no string yet: the parser recovered without it.
    name: d.kind === "Profile" ? "profile" : d.kind === "TestDecl" ? (d.name?.value ?? "") : (name?.name ?? ""),
    kind,
    span: d.span,
    selection: name?.span ?? (d.kind === "TestDecl" ? (d.name?.span ?? d.keywordSpan) : d.keywordSpan),
    children: [],
  };
  const src = (s: A.Span) => text.slice(s.start, s.end);
  switch (d.kind) {
    case "Profile":
    case "EventDecl":
    case "CatalogDecl":
      sym.children = fieldSymbols(d.fields, text);
      break;
    case "TypeDecl":
      if (d.type.kind === "RecordType") sym.children = fieldSymbols(d.type.fields, text);
      else sym.detail = src(d.type.span);
      break;
    case "ActionDecl":
    case "TemplateDecl":
      sym.children = d.params.map((p) => ({ name: p.name.name, kind: "parameter", detail: src(p.type.span), span: p.span, selection: p.name.span, children: [] }));
      if (d.kind === "TemplateDecl") sym.detail = `for ${d.channel.name}`;
      break;
    case "AudienceDecl":
      sym.detail = oneLine(src(d.condition.span));
      break;
    case "JourneyDecl":
      for (const c of d.clauses) {
        if (c.kind === "Goal") sym.children.push({ name: c.name.name, kind: "goal", detail: oneLine(src(c.span)), span: c.span, selection: c.name.span, children: [] });
        else if (c.kind === "OnEvent" || c.kind === "OnAudience" || c.kind === "OnSchedule") sym.detail = oneLine(src(c.span));
      }
      sym.children.push(...stepSymbols(d.body.steps, text));
      break;
    case "ExperienceDecl":
      for (const i of d.items) {
        if (i.kind === "Variant") sym.children.push({ name: i.name.name, kind: "variant", detail: i.when ? `when ${oneLine(src(i.when.span))}` : undefined, span: i.span, selection: i.name.span, children: [] });
        else if (i.kind === "Let" || i.kind === "Recommend") sym.children.push({ name: i.name.name, kind: "variable", detail: oneLine(src(i.span)), span: i.span, selection: i.name.span, children: [] });
        else if (i.kind === "Context") sym.children.push({ name: "context", kind: "type", span: i.span, selection: { start: i.span.start, end: i.span.start + 7 }, children: fieldSymbols(i.fields, text) });
        else if (i.kind === "Surface" && i.uri) sym.detail = i.uri.value;
      }
      break;
    case "ChannelDecl":
      sym.kind = "channel";
      break;
    case "TestDecl":
      // Its profiles, events, arm choices, canned answers and expectations, each on its line, in order: a long test is read by its outline.
      for (const i of d.items) {
        if (!i) continue;
        if (i.kind === "TestProfile") sym.children.push({ name: `profile ${src(i.id.span)}`, kind: "variable", span: i.span, selection: i.id.span, children: [] });
        // An event without its data: the data is in the editor, one click away.
        else if (i.kind === "TestEvent") sym.children.push({ name: oneLine(src({ start: i.span.start, end: i.event.span.end })), kind: "step", span: i.span, selection: i.event.span, children: [] });
        // A canned answer by its action and conditions, what it answers (a value, a failure) as its detail.
        else if (i.kind === "TestRespond") {
          const head = { start: i.span.start, end: (i.conditions[i.conditions.length - 1] ?? i.action).span.end };
          const answer = i.errorSpan ? { start: i.errorSpan.start, end: i.span.end } : i.answer?.span;
          sym.children.push({ name: oneLine(src(head)), kind: "step", detail: answer && oneLine(src(answer)), span: i.span, selection: i.action.span, children: [] });
        } else sym.children.push({ name: oneLine(src(i.span)), kind: "step", span: i.span, selection: i.span, children: [] });
      }
      break;
  }
  return sym;
}

function fieldSymbols(fields: A.FieldDecl[], text: string): DocumentSymbol[] {
  return fields
    .filter((f) => f?.name)
    .map((f) => ({
      name: f.name.name,
      kind: "field" as const,
      detail: (f.optional ? "?" : "") + oneLine(text.slice(f.type.span.start, f.type.span.end)),
      span: f.span,
      selection: f.name.span,
      children: f.type.kind === "RecordType" ? fieldSymbols(f.type.fields, text) : [],
    }));
}

function stepSymbols(steps: A.Step[], text: string): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const s of steps) {
    if (!s) continue;
    const head = oneLine(text.slice(s.span.start, s.span.end).split(/[{\n]/)[0]!).trim();
    const sym: DocumentSymbol = { name: head || s.kind.toLowerCase(), kind: "step", span: s.span, selection: s.span, children: [] };
    if (s.kind === "Let" || s.kind === "Recommend") {
      sym.kind = "variable";
      sym.selection = s.name.span;
    } else if (s.kind === "CallAction" && s.alias) sym.selection = s.alias.span;
    // A split's arms are symbols of their own (`A 50%`); the other blocks' steps are the step's children.
    if (s.kind === "Split") {
      for (const arm of s.arms) sym.children.push({ name: `${arm.label.name} ${arm.percent}%`, kind: "step", span: arm.span, selection: arm.label.span, children: stepSymbols(arm.body.steps, text) });
    } else for (const b of blocksOf(s)) sym.children.push(...stepSymbols(b.steps, text));
    out.push(sym);
  }
  return out;
}

/** Subsequence match, case-insensitive (`abcart` finds `AbandonedCart`). */
export function fuzzyMatch(query: string, name: string): boolean {
  if (!query) return true;
  const q = query.toLowerCase();
  const n = name.toLowerCase();
  let i = 0;
  for (let j = 0; j < n.length && i < q.length; j++) if (n[j] === q[i]) i++;
  return i === q.length;
}

export function workspaceSymbols(projects: Iterable<Project>, query: string): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  for (const project of projects) {
    for (const path of project.paths()) {
      const file = project.parse(path)?.file;
      if (!file) continue;
      for (const d of definitions(file)) {
        const kind = d.kind;
        if (kind === "param" || (kind === "field" && !query)) continue;
        if (!fuzzyMatch(query, d.name)) continue;
        out.push({ name: d.name, kind, location: { path, span: d.span }, container: d.container });
      }
    }
  }
  const score = (s: WorkspaceSymbol) => (s.name.toLowerCase().startsWith(query.toLowerCase()) ? 0 : 1) + (s.kind === "field" ? 2 : 0);
  return out.sort((a, b) => score(a) - score(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
