import { describe, expect, it } from "vitest";
import { DEVICE_REQUESTS, describeDeviceError, isFinalDeviceError, micLevel } from "./devices";

const error = (name: string) => new DOMException("x", name);

describe("device requests", () => {
  it("asks for both, then each alone", () => {
    expect(DEVICE_REQUESTS.map((request) => [Boolean(request.video), Boolean(request.audio)])).toEqual([
      [true, true],
      [true, false],
      [false, true],
    ]);
  });

  it("stops asking once the person refused", () => {
    expect(isFinalDeviceError(error("NotAllowedError"))).toBe(true);
    expect(isFinalDeviceError(error("NotFoundError"))).toBe(false);
    expect(isFinalDeviceError(new Error("?"))).toBe(false);
  });
});

describe("describeDeviceError", () => {
  it("tells the teacher what to do", () => {
    expect(describeDeviceError(error("NotAllowedError"))).toMatch(/blocked/);
    expect(describeDeviceError(error("NotFoundError"))).toMatch(/No camera/);
    expect(describeDeviceError(error("NotReadableError"))).toMatch(/busy/);
    expect(describeDeviceError(error("NotSupportedError"))).toMatch(/https/);
    expect(describeDeviceError("weird")).toMatch(/Try again/);
  });
});

describe("micLevel", () => {
  it("is 0 for silence and grows with loudness, up to 1", () => {
    expect(micLevel(new Uint8Array(64).fill(128))).toBe(0);
    expect(micLevel([])).toBe(0);
    const quiet = micLevel(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 136 : 120)));
    const loud = micLevel(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 200 : 56)));
    expect(quiet).toBeGreaterThan(0);
    expect(loud).toBeGreaterThan(quiet);
    expect(micLevel(Uint8Array.from({ length: 64 }, (_, i) => (i % 2 ? 255 : 0)))).toBe(1);
  });
});
