// Reads the components' published declarations (.d.ts) with the TypeScript parser: members of interfaces,
// type literals, intersections and unions of object types, their doc comments, and string-literal unions.
// The schema is derived from these, so the args' TypeScript types stay the one source of truth. Parsing
// only (no type checker, no import resolution) keeps it fast and independent of the cloud SDKs' types.
import { readFileSync } from "node:fs";
import path from "node:path";
import ts from "typescript";

/** One property of an object type as declared. */
export interface Member {
  name: string;
  optional: boolean;
  type: ts.TypeNode | undefined;
  doc: string;
}

/** The declarations the schema is built from. */
export const DECLARATION_FILES = [
  "spec/types.d.ts",
  "spec/managed-database.d.ts",
  "aws/args.d.ts",
  "aws/rds-database.d.ts",
  "gcp/args.d.ts",
  "gcp/cloud-sql-database.d.ts",
  "gcp/mapping-access.d.ts",
  "azure/args.d.ts",
  "azure/sql-database.d.ts",
  "azure/flexible-server.d.ts",
  "azure/postgres-flexible-server.d.ts",
  "azure/mysql-flexible-server.d.ts",
  "access/spec.d.ts",
  "access/provider.d.ts",
  "access/args.d.ts",
  "access/database-access.d.ts",
  "access/mysql-database-access.d.ts",
] as const;

type Named = ts.InterfaceDeclaration | ts.TypeAliasDeclaration | ts.ClassDeclaration;

/** Doc comment text of a node, with `@default` tags appended as "Default: …". */
export function docOf(node: ts.Node): string {
  const parts: string[] = [];
  for (const doc of ts.getJSDocCommentsAndTags(node)) {
    if (!ts.isJSDoc(doc)) continue;
    const text = ts.getTextOfJSDocComment(doc.comment);
    if (text) parts.push(text.trim());
    for (const tag of doc.tags ?? []) {
      const value = ts.getTextOfJSDocComment(tag.comment)?.trim();
      if (tag.tagName.text === "default" && value) parts.push(`Default: ${value}.`);
      if (tag.tagName.text === "deprecated") parts.push(`Deprecated${value ? `: ${value}` : "."}`);
    }
  }
  return parts.join("\n\n").replace(/[ \t]*\n[ \t]*/g, "\n");
}

/** The declarations of the components package found in `distDir` (its dist/ folder), by name. */
export class Declarations {
  private readonly named = new Map<string, Named>();

  constructor(distDir: string) {
    for (const file of DECLARATION_FILES) {
      const full = path.join(distDir, file);
      const source = ts.createSourceFile(full, readFileSync(full, "utf8"), ts.ScriptTarget.ES2022, true);
      for (const statement of source.statements) {
        if ((ts.isInterfaceDeclaration(statement) || ts.isTypeAliasDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name) {
          if (!this.named.has(statement.name.text)) this.named.set(statement.name.text, statement);
        }
      }
    }
  }

  has(name: string): boolean {
    return this.named.has(name);
  }

  /** The declaration called `name`; throws naming it when the components no longer declare it. */
  get(name: string): Named {
    const found = this.named.get(name);
    if (!found) throw new Error(`@dbtk/components declares no type "${name}" (renamed? update provider/model.ts)`);
    return found;
  }

  doc(name: string): string {
    return docOf(this.get(name));
  }

  /** The type a named alias stands for, or undefined for interfaces and classes. */
  aliased(name: string): ts.TypeNode | undefined {
    const d = this.get(name);
    return ts.isTypeAliasDeclaration(d) ? d.type : undefined;
  }

  /** Members of a named interface, class (its public properties) or alias of an object type. */
  members(name: string): Member[] {
    const d = this.get(name);
    if (ts.isTypeAliasDeclaration(d)) return this.membersOfType(d.type);
    const own = d.members.flatMap((m) => memberOf(m));
    const base = d.heritageClauses?.flatMap((h) => h.types).map((t) => t.expression.getText()).filter((n) => this.has(n)) ?? [];
    return mergeMembers([...base.flatMap((b) => this.members(b)), ...own]);
  }

  /**
   * Members of an object type node: a literal, a reference to a named type, an intersection (all members)
   * or a union (every variant's members, optional unless in all of them; a discriminant's literals merge).
   */
  membersOfType(node: ts.TypeNode): Member[] {
    if (ts.isParenthesizedTypeNode(node)) return this.membersOfType(node.type);
    if (ts.isTypeLiteralNode(node)) return node.members.flatMap((m) => memberOf(m));
    if (ts.isTypeReferenceNode(node) && this.has(node.typeName.getText())) return this.members(node.typeName.getText());
    if (ts.isIntersectionTypeNode(node)) return mergeMembers(node.types.flatMap((t) => this.membersOfType(t)));
    if (ts.isUnionTypeNode(node)) {
      const variants = node.types.map((t) => this.membersOfType(t));
      const merged = new Map<string, Member>();
      for (const member of variants.flat()) {
        const inAll = variants.every((v) => v.some((m) => m.name === member.name && !m.optional));
        const seen = merged.get(member.name);
        const type = seen?.type && member.type ? ts.factory.createUnionTypeNode([seen.type, member.type]) : (seen?.type ?? member.type);
        merged.set(member.name, { name: member.name, optional: !inAll, type, doc: seen?.doc || member.doc });
      }
      return [...merged.values()];
    }
    throw new Error(`not an object type: ${node.getText()}`);
  }
}

function memberOf(m: ts.TypeElement | ts.ClassElement): Member[] {
  if (!(ts.isPropertySignature(m) || ts.isPropertyDeclaration(m)) || !ts.isIdentifier(m.name)) return [];
  const modifiers = ts.canHaveModifiers(m) ? (ts.getModifiers(m) ?? []) : [];
  if (modifiers.some((x) => x.kind === ts.SyntaxKind.PrivateKeyword || x.kind === ts.SyntaxKind.ProtectedKeyword || x.kind === ts.SyntaxKind.StaticKeyword)) return [];
  // `input?: never` in SpecSource's variants says "not with the other one": not a member.
  if (m.type?.kind === ts.SyntaxKind.NeverKeyword) return [];
  return [{ name: m.name.text, optional: m.questionToken !== undefined, type: m.type, doc: docOf(m) }];
}

/** Later members win, but keep an earlier doc comment when the later one has none. */
function mergeMembers(members: Member[]): Member[] {
  const out = new Map<string, Member>();
  for (const m of members) {
    const seen = out.get(m.name);
    out.set(m.name, { ...m, doc: m.doc || seen?.doc || "" });
  }
  return [...out.values()];
}

/** The string literals of a union (`"a" | "b"`, or discriminants merged from variants); undefined otherwise. */
export function stringLiterals(node: ts.TypeNode | undefined): string[] | undefined {
  if (!node) return undefined;
  if (ts.isParenthesizedTypeNode(node)) return stringLiterals(node.type);
  if (ts.isLiteralTypeNode(node) && ts.isStringLiteral(node.literal)) return [node.literal.text];
  if (!ts.isUnionTypeNode(node)) return undefined;
  const values: string[] = [];
  for (const t of node.types) {
    const v = stringLiterals(t);
    if (!v) return undefined;
    for (const x of v) if (!values.includes(x)) values.push(x);
  }
  return values;
}
