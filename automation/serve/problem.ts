// The errors the pool server answers with: an HTTP status as IntegreSQL gives it, a stable code, and a
// message that names the template hash or database id and what to do instead.

export type ProblemCode =
  | "bad_request"
  | "template_not_found"
  | "template_already_initialized"
  | "template_not_finalized"
  | "template_discarded"
  | "test_database_not_found"
  | "timeout"
  | "stopping"
  | "not_found"
  | "method_not_allowed"
  | "internal";

export class ServeProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: ProblemCode,
    message: string,
  ) {
    super(message);
    this.name = "ServeProblem";
  }
}

export const problems = {
  badRequest: (message: string) => new ServeProblem(400, "bad_request", message),
  templateNotFound: (hash: string) =>
    new ServeProblem(404, "template_not_found", `template ${hash} not found: initialize it first (POST /api/v1/templates {"hash": "${hash}"})`),
  alreadyInitialized: (hash: string, cached: boolean) =>
    new ServeProblem(
      423,
      "template_already_initialized",
      cached
        ? `template ${hash} is already initialized (finalized in the template cache by an earlier run): get test databases from it`
        : `template ${hash} is already initialized: another worker is migrating it or has finalized it; get test databases from it`,
    ),
  notFinalized: (hash: string, waitedMs: number) =>
    new ServeProblem(
      409,
      "template_not_finalized",
      `template ${hash} was not finalized within ${Math.round(waitedMs / 1000)}s: finalize it (PUT /api/v1/templates/${hash}) once it is migrated`,
    ),
  discarded: (hash: string) =>
    new ServeProblem(410, "template_discarded", `template ${hash} was discarded while this request waited for it: initialize it again`),
  testNotFound: (hash: string, id: number, why?: string) =>
    new ServeProblem(
      404,
      "test_database_not_found",
      why ? `test database ${id} of template ${hash} is gone: ${why}` : `test database ${id} of template ${hash} not found: use the id GET /api/v1/templates/${hash}/tests answered`,
    ),
  timeout: (hash: string, waitedMs: number, why: string) =>
    new ServeProblem(503, "timeout", `no test database of template ${hash} became ready within ${Math.round(waitedMs / 1000)}s: ${why}`),
  stopping: () => new ServeProblem(503, "stopping", "the pool server is stopping"),
};
