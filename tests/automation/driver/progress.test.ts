import { expect, it } from "vitest";
import { formatMs } from "../../../automation/driver/progress.ts";

it("formats phase times the way progress lines show them", () => {
  expect(formatMs(18.4)).toBe("18 ms");
  expect(formatMs(240)).toBe("240 ms");
  expect(formatMs(1234)).toBe("1.2 s");
  expect(formatMs(42_000)).toBe("42 s");
  expect(formatMs(125_000)).toBe("2 min 5 s");
});
