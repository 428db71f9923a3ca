// Which migration files a change touches, from git: added or modified since the merge base with a ref
// (`<ref>...HEAD`, as a pull request's diff), plus what is modified or untracked in the work tree.
import path from "node:path";
import { execa } from "execa";

async function git(cwd: string, args: string[]): Promise<string> {
  const res = await execa("git", args, { cwd, reject: false });
  if (res.exitCode !== 0) throw new Error(`lint: git ${args.join(" ")} failed in ${cwd}: ${(res.stderr || res.stdout).trim().split("\n")[0]}`);
  return res.stdout;
}

/** Absolute paths of files under `paths` added or changed since `ref` (committed, staged, unstaged or untracked). */
export async function changedSince(ref: string, paths: readonly string[]): Promise<Set<string>> {
  const first = path.resolve(paths[0] ?? ".");
  const cwd = /\.sql$/i.test(first) ? path.dirname(first) : first;
  const top = (await git(cwd, ["rev-parse", "--show-toplevel"])).trim();
  const scope = ["--", ...paths.map((p) => path.resolve(p))];
  const lists = await Promise.all([
    git(top, ["diff", "--name-only", "--no-renames", "--diff-filter=AM", `${ref}...HEAD`, ...scope]),
    git(top, ["diff", "--name-only", "--no-renames", "--diff-filter=AM", "HEAD", ...scope]),
    git(top, ["ls-files", "--others", "--exclude-standard", "--full-name", ...scope]),
  ]);
  const out = new Set<string>();
  for (const list of lists) for (const l of list.split("\n")) if (l.trim()) out.add(path.resolve(top, l.trim()));
  return out;
}
