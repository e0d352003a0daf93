import { describe, expect, it } from "vitest";
import { courseDraft, validateCourse } from "./validate-course";

describe("courseDraft", () => {
  it("trims both fields", () => {
    expect(courseDraft("  Optics ", "   ")).toEqual({ title: "Optics", description: "", record_by_default: true });
    expect(courseDraft("Optics", " Lenses \n")).toEqual({ title: "Optics", description: "Lenses", record_by_default: true });
  });
});

describe("validateCourse", () => {
  it("requires a title of at most 200 characters", () => {
    expect(validateCourse({ title: "", description: "", record_by_default: true })?.fields).toEqual({ title: "Give the course a title." });
    expect(validateCourse({ title: "x".repeat(201), description: "", record_by_default: true })?.fields).toEqual({
      title: "Use at most 200 characters.",
    });
    expect(validateCourse({ title: "x".repeat(200), description: "", record_by_default: true })).toBeNull();
  });

  it("limits the description to 5000 characters", () => {
    expect(validateCourse({ title: "Optics", description: "x".repeat(5001), record_by_default: true })?.fields).toEqual({
      description: "Use at most 5000 characters.",
    });
  });
});
