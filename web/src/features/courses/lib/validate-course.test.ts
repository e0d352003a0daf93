import { describe, expect, it } from "vitest";
import { courseDraft, validateCourse } from "./validate-course";

describe("courseDraft", () => {
  it("trims both fields", () => {
    expect(courseDraft("  Optics ", "   ")).toEqual({ title: "Optics", description: "" });
    expect(courseDraft("Optics", " Lenses \n")).toEqual({ title: "Optics", description: "Lenses" });
  });
});

describe("validateCourse", () => {
  it("requires a title of at most 200 characters", () => {
    expect(validateCourse({ title: "", description: "" })?.fields).toEqual({ title: "Give the course a title." });
    expect(validateCourse({ title: "x".repeat(201), description: "" })?.fields).toEqual({
      title: "Use at most 200 characters.",
    });
    expect(validateCourse({ title: "x".repeat(200), description: "" })).toBeNull();
  });

  it("limits the description to 5000 characters", () => {
    expect(validateCourse({ title: "Optics", description: "x".repeat(5001) })?.fields).toEqual({
      description: "Use at most 5000 characters.",
    });
  });
});
