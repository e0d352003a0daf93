import { describe, expect, it } from "vitest";
import { FakeRemoteTrack } from "../../sessions/testing/fake-live-services";
import { stageGuests } from "./stage-guests";

describe("stageGuests", () => {
  const graceCamera = new FakeRemoteTrack("video");
  const graceVoice = new FakeRemoteTrack("audio");
  const people = [
    { identity: "u-grace", name: "Grace Hopper", camera: graceCamera, microphone: graceVoice },
    { identity: "u-other", name: "Not on stage", camera: new FakeRemoteTrack("video"), microphone: null },
  ];

  it("gives each person on stage a tile, in stage order, with what the room receives of them", () => {
    const names = new Map([["u-alan", "Alan Turing"]]);
    expect(stageGuests(["u-alan", "u-grace"], people, names, null)).toEqual([
      { userId: "u-alan", name: "Alan Turing", video: null, audio: null, self: false },
      { userId: "u-grace", name: "Grace Hopper", video: graceCamera, audio: graceVoice, self: false },
    ]);
  });

  it("shows me my own camera, without my own voice", () => {
    const mine = new FakeRemoteTrack("video");
    expect(stageGuests(["u-me"], people, new Map(), { userId: "u-me", camera: mine })).toEqual([
      { userId: "u-me", name: "You", video: mine, audio: null, self: true },
    ]);
  });

  it("has no tiles when nobody is on stage, and names strangers plainly", () => {
    expect(stageGuests([], people, new Map(), null)).toEqual([]);
    expect(stageGuests(["u-who"], [], new Map(), null)[0]?.name).toBe("Someone");
  });
});
