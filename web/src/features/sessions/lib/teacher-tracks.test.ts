import { describe, expect, it } from "vitest";
import { otherPeople, pickTeacherTracks, type RemotePerson, roleOf } from "./teacher-tracks";

const host = (publications: RemotePerson<string>["publications"], identity = "ada"): RemotePerson<string> => ({
  identity,
  metadata: '{"role":"host"}',
  publications,
});

describe("pickTeacherTracks", () => {
  it("picks the host's camera and microphone", () => {
    const student: RemotePerson<string> = { identity: "grace", metadata: '{"role":"participant"}', publications: [] };
    const teacher = host([
      { source: "camera", track: "ada-cam", muted: false },
      { source: "microphone", track: "ada-mic", muted: false },
    ]);
    expect(pickTeacherTracks([student, teacher])).toEqual({
      identity: "ada",
      video: "ada-cam",
      audio: "ada-mic",
      screen: null,
    });
  });

  it("prefers a host who publishes a camera, then any host, then anyone with a camera", () => {
    const quietHost = host([], "bob");
    const moderator: RemotePerson<string> = {
      identity: "ta",
      metadata: '{"role":"moderator"}',
      publications: [{ source: "camera", track: "ta-cam", muted: false }],
    };
    expect(pickTeacherTracks([quietHost, host([{ source: "camera", track: "ada-cam", muted: false }])]).identity).toBe("ada");
    expect(pickTeacherTracks([moderator, quietHost]).identity).toBe("bob");
    expect(pickTeacherTracks([moderator]).video).toBe("ta-cam");
  });

  it("has no track for a muted, unsubscribed or missing source", () => {
    const teacher = host([
      { source: "camera", track: "ada-cam", muted: true },
      { source: "microphone", track: undefined, muted: false },
    ]);
    expect(pickTeacherTracks([teacher])).toEqual({ identity: "ada", video: null, audio: null, screen: null });
    expect(pickTeacherTracks([])).toEqual({ identity: null, video: null, audio: null, screen: null });
  });
});

describe("the teacher's screen and the other people", () => {
  it("finds the teacher's shared screen", () => {
    const teacher = host([
      { source: "camera", track: "ada-cam", muted: false },
      { source: "screen_share", track: "ada-screen", muted: false },
    ]);
    expect(pickTeacherTracks([teacher]).screen).toBe("ada-screen");
  });

  it("lists everyone but the teacher, by name, with their camera and microphone", () => {
    const teacher = host([{ source: "camera", track: "ada-cam", muted: false }]);
    const grace: RemotePerson<string> = {
      identity: "grace",
      name: "Grace Hopper",
      metadata: '{"role":"participant"}',
      publications: [
        { source: "camera", track: "grace-cam", muted: false },
        { source: "microphone", track: "grace-mic", muted: true },
      ],
    };
    const alan: RemotePerson<string> = { identity: "alan", metadata: undefined, publications: [] };
    expect(otherPeople([teacher, grace, alan], "ada")).toEqual([
      { identity: "grace", name: "Grace Hopper", camera: "grace-cam", microphone: null },
      { identity: "alan", name: "alan", camera: null, microphone: null },
    ]);
  });
});

describe("roleOf", () => {
  it("reads the role from the token's metadata, tolerating anything else", () => {
    expect(roleOf('{"role":"host"}')).toBe("host");
    expect(roleOf("")).toBeNull();
    expect(roleOf(undefined)).toBeNull();
    expect(roleOf("not json")).toBeNull();
    expect(roleOf('{"role":3}')).toBeNull();
  });
});
