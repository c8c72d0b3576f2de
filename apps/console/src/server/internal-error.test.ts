import { describe, expect, it } from "vitest";
import { describeInternalError, internalErrorRef } from "./internal-error";

describe("internal errors", () => {
  it("describe a Prisma-style failure by kind, code and first line only", () => {
    const cause = Object.assign(
      new Error('\nInvalid `prisma.network.create()` invocation:\n{ data: { ipsecPsk: "s3cret-key" } }'),
      {
        name: "PrismaClientValidationError",
        code: "P2009",
      },
    );
    const text = describeInternalError(new Error("wrapper", { cause }));
    expect(text).toBe("PrismaClientValidationError P2009: Invalid `prisma.network.create()` invocation:");
    expect(text).not.toContain("s3cret-key");
  });

  it("give one error the same reference wherever it is asked for", () => {
    const error = new Error("x");
    expect(internalErrorRef(error)).toMatch(/^[0-9a-f]{8}$/);
    expect(internalErrorRef(error)).toBe(internalErrorRef(error));
    expect(internalErrorRef(new Error("y"))).not.toBe(internalErrorRef(error));
  });
});
