// Reading the CI recipes: the shell scripts each platform runs, the commands inside them, and a check of
// every `dbtk …` call against the real commander program (commands, options, option values, arguments).
import type { Command, Option } from "commander";

/** Strings under the given keys anywhere in a parsed YAML document (steps' `run`, jobs' `script`…). */
export function scriptsUnder(doc: unknown, keys: Set<string>): string[] {
  const out: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    for (const [k, v] of Object.entries(node)) {
      if (keys.has(k)) {
        const flat = Array.isArray(v) ? v.flat(Infinity) : [v];
        for (const s of flat) if (typeof s === "string") out.push(s);
      } else {
        walk(v);
      }
    }
  };
  walk(doc);
  return out;
}

/** The shell strings of a Jenkinsfile's `sh '…'`, `sh "…"`, `sh '''…'''`, `sh """…"""` and `sh(script: …)` steps. */
export function jenkinsShellSteps(groovy: string): string[] {
  const re = /\bsh\s*\(?\s*(?:script\s*:\s*)?('''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")/g;
  const out: string[] = [];
  for (const m of groovy.matchAll(re)) {
    const lit = m[1]!;
    const body = lit.startsWith("'''") || lit.startsWith('"""') ? lit.slice(3, -3) : lit.slice(1, -1);
    // Groovy turns backslash-newline into nothing inside these strings; the shell would too.
    out.push(body.replace(/\\\n/g, " ").replace(/\\(['"\\])/g, "$1"));
  }
  return out;
}

const OPERATORS = ["&&", "||", ";", "|", "&", "\n"];

/**
 * Simple commands of a shell script, each as its words (quotes removed; `$(…)`, `${{ … }}` kept whole).
 * Good enough for CI one-liners: no here-docs, no functions.
 */
export function shellCommands(script: string): string[][] {
  const src = script.replace(/\\\r?\n/g, " ");
  const commands: string[][] = [];
  let words: string[] = [];
  let word = "";
  let inWord = false;
  const endWord = () => {
    if (inWord) words.push(word);
    word = "";
    inWord = false;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (c === "'" ) {
      const end = src.indexOf("'", i + 1);
      word += src.slice(i + 1, end < 0 ? src.length : end);
      inWord = true;
      i = end < 0 ? src.length : end;
    } else if (c === '"') {
      let j = i + 1;
      for (; j < src.length && src[j] !== '"'; j++) {
        if (src[j] === "\\" && j + 1 < src.length) j++;
      }
      word += src.slice(i + 1, j).replace(/\\(["\\$`])/g, "$1");
      inWord = true;
      i = j;
    } else if (src.startsWith("$(", i) || src.startsWith("${{", i)) {
      const [open, close] = src.startsWith("$(", i) ? ["(", ")"] : ["{", "}"];
      let depth = 0;
      let j = i + 1;
      for (; j < src.length; j++) {
        if (src[j] === open) depth++;
        else if (src[j] === close && --depth === 0) break;
      }
      if (close === "}") j++; // the second closing brace of ${{ … }}
      word += src.slice(i, j + 1);
      inWord = true;
      i = j;
    } else if (c === "#" && !inWord) {
      while (i < src.length && src[i] !== "\n") i++;
      endCommand();
    } else if (OPERATORS.some((op) => src.startsWith(op, i))) {
      const op = OPERATORS.find((o) => src.startsWith(o, i))!;
      endCommand();
      i += op.length - 1;
    } else if (c === " " || c === "\t" || c === "\r") {
      endWord();
    } else {
      word += c;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** Words of a command without leading `VAR=value` assignments and without redirections. */
function commandWords(words: string[]): string[] {
  let i = 0;
  while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[i]!)) i++;
  const out: string[] = [];
  for (; i < words.length; i++) {
    const w = words[i]!;
    if (/^\d*(>>?|<)(&\d+)?$/.test(w)) {
      i++; // the redirection's target is the next word
      continue;
    }
    if (/^\d*(>>?|<)\S/.test(w)) continue;
    out.push(w);
  }
  return out;
}

/** Arguments of every `dbtk …` / `npx dbtk …` call in a script. */
export function dbtkCalls(script: string): string[][] {
  const calls: string[][] = [];
  for (const cmd of shellCommands(script)) {
    const w = commandWords(cmd);
    if (w[0] === "npx" && w[1] === "dbtk") calls.push(w.slice(2));
    else if (w[0] === "dbtk") calls.push(w.slice(1));
  }
  return calls;
}

/** Every call of `program` (e.g. `pulumi`) in a script, its arguments only. */
export function callsOf(script: string, program: string): string[][] {
  return shellCommands(script)
    .map(commandWords)
    .filter((w) => w[0] === program)
    .map((w) => w.slice(1));
}

const takesValue = (o: Option) => o.required || o.optional;

function findOption(cmd: Command, flag: string): Option | undefined {
  return cmd.options.find((o) => o.long === flag || o.short === flag);
}

/**
 * Problems with one dbtk call: unknown command, unknown option, missing option value, unexpected
 * argument. Empty when the real CLI accepts it.
 */
export function checkCall(program: Command, args: string[]): string[] {
  const name = args[0];
  const top = program.commands.find((c) => c.name() === name || c.aliases().includes(name ?? ""));
  if (!top) {
    return [`dbtk has no command "${name ?? ""}" (it has: ${program.commands.map((c) => c.name()).join(", ") || "none"})`];
  }
  let cmd: Command = top;
  let path = `dbtk ${top.name()}`;
  const problems: string[] = [];
  let positionals = 0;
  let afterDashes = false;
  const seen = new Set<Option>();
  for (let i = 1; i < args.length; i++) {
    const a = args[i]!;
    if (afterDashes) continue; // passed to the child command untouched
    if (a === "--") {
      afterDashes = true;
      continue;
    }
    if (a === "--help" || a === "-h") continue;
    if (a.startsWith("-") && a.length > 1) {
      const [flag, inline] = a.startsWith("--") ? [a.split("=")[0]!, a.includes("=")] : [a, false];
      const opt = findOption(cmd, flag);
      if (opt) seen.add(opt);
      if (!opt) {
        const have = cmd.options.map((o) => o.long ?? o.short).join(", ");
        problems.push(`${path} has no option ${flag} (it has: ${have || "none"})`);
        // Its value, if it had one, is not an argument: skip it so one mistake is reported once.
        if (!inline && args[i + 1] !== undefined && !args[i + 1]!.startsWith("-")) i++;
        continue;
      }
      if (takesValue(opt) && !inline) {
        const next = args[i + 1];
        if (next === undefined || (opt.required && next.startsWith("-") && next !== "-")) {
          if (opt.required) problems.push(`${path} ${flag} needs a value (${opt.flags})`);
        } else {
          i++;
        }
      }
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (sub && positionals === 0) {
      cmd = sub;
      path += ` ${sub.name()}`;
      continue;
    }
    const declared = cmd.registeredArguments;
    const variadic = declared.length > 0 && declared[declared.length - 1]!.variadic;
    if (positionals >= declared.length && !variadic) {
      problems.push(`${path} takes ${declared.length} argument(s) (${declared.map((d) => d.name()).join(" ") || "none"}), got extra "${a}"`);
    }
    positionals++;
  }
  for (const o of cmd.options) if (o.mandatory && !seen.has(o)) problems.push(`${path} needs ${o.flags}`);
  const requiredArgs = cmd.registeredArguments.filter((d) => d.required).length;
  const given = positionals + (afterDashes && cmd.registeredArguments.some((d) => d.variadic) ? 1 : 0);
  if (given < requiredArgs) problems.push(`${path} needs ${requiredArgs} argument(s), got ${given}`);
  return problems;
}
