import { describe, expect, it } from "vitest";
import {
  ProblemError,
  UNEXPECTED_PROBLEM,
  describeProblem,
  formErrorsFromProblem,
  parseRetryAfter,
  problemFromResponse,
  toProblemError,
} from "./problem";
import type { ProblemDocument } from "./types";

const validation: ProblemDocument = {
  type: "validation",
  title: "Invalid request",
  status: 422,
  detail: "Check these fields: password, display_name.",
  errors: [
    { field: "password", location: "body", message: "At least 10 characters.", code: "string_too_short" },
    { field: "body.display_name", location: "body", message: "Required.", code: "missing" },
  ],
};

describe("describeProblem", () => {
  it("prefers detail, then title", () => {
    expect(describeProblem(validation)).toBe("Check these fields: password, display_name.");
    expect(describeProblem({ type: "x", title: "Not found", status: 404, detail: "" })).toBe("Not found");
  });
});

describe("formErrorsFromProblem", () => {
  it("places each error beside its field, with or without a location prefix", () => {
    const result = formErrorsFromProblem(validation, ["email", "password", "display_name"]);
    expect(result.fields).toEqual({ password: "At least 10 characters.", display_name: "Required." });
    expect(result.form).toBeNull();
  });

  it("keeps messages for fields the form does not have", () => {
    const result = formErrorsFromProblem(
      { ...validation, errors: [{ field: "timezone", location: "body", message: "Unknown zone.", code: "x" }] },
      ["email"],
    );
    expect(result.fields).toEqual({});
    expect(result.form).toBe("Check these fields: password, display_name. Unknown zone.");
  });

  it("uses the detail as the form message when no field is named", () => {
    const result = formErrorsFromProblem(
      { type: "email-taken", title: "Conflict", status: 409, detail: "That email is already registered." },
      ["email"],
    );
    expect(result).toEqual({ fields: {}, form: "That email is already registered." });
  });

  it("keeps the first message when a field has several", () => {
    const result = formErrorsFromProblem(
      {
        ...validation,
        errors: [
          { field: "title", location: "body", message: "First.", code: "a" },
          { field: "title", location: "body", message: "Second.", code: "b" },
        ],
      },
      ["title"],
    );
    expect(result.fields).toEqual({ title: "First." });
  });
});

describe("parseRetryAfter", () => {
  it("reads delay seconds and HTTP dates", () => {
    expect(parseRetryAfter("120")).toBe(120);
    expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", new Date("2015-10-21T07:27:00Z"))).toBe(60);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter("soon")).toBeNull();
  });
});

describe("problemFromResponse", () => {
  it("reads a problem document", async () => {
    const response = new Response(JSON.stringify(validation), {
      status: 422,
      headers: { "Content-Type": "application/problem+json" },
    });
    const error = await problemFromResponse(response);
    expect(error.problem).toEqual(validation);
  });

  it("explains a non-JSON error page from a proxy", async () => {
    const response = new Response("<html>Bad gateway</html>", { status: 502, statusText: "Bad Gateway" });
    const error = await problemFromResponse(response);
    expect(error.type).toBe(UNEXPECTED_PROBLEM);
    expect(error.status).toBe(502);
    expect(error.message).toMatch(/having trouble/);
  });
});

describe("toProblemError", () => {
  it("passes ProblemErrors through and wraps anything else", () => {
    const original = new ProblemError(validation);
    expect(toProblemError(original)).toBe(original);
    expect(toProblemError(new SyntaxError("bad json")).type).toBe(UNEXPECTED_PROBLEM);
  });
});
