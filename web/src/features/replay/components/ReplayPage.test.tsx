// @vitest-environment jsdom
import { act, cleanup, fireEvent, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { noContent, problem } from "../../../api/testing/fake-fetch";
import { SESSION_ID, aUser } from "../../../api/testing/fixtures";
import { renderApp } from "../../../app/testing/render-app";
import {
  aChapter,
  aChatMessage,
  aHighlight,
  aProgress,
  aReplay,
  aReplayPoll,
  aReplayQuestion,
  aScreenSpan,
  aSearchHit,
  segments,
} from "../testing/fixtures";
import { REPLAY_PATH, replayApi } from "../testing/replay-api";

const student = aUser({ id: "user-grace", display_name: "Grace Hopper" });
const teacher = aUser({ id: "user-ada", display_name: "Ada Lovelace" });
const replayUrl = `/sessions/${SESSION_ID}/replay`;

beforeEach(() => {
  // jsdom has no media playback: play and pause change `paused` and say so, as a browser does.
  const paused = new WeakMap<HTMLMediaElement, boolean>();
  vi.spyOn(HTMLMediaElement.prototype, "paused", "get").mockImplementation(function (this: HTMLMediaElement) {
    return paused.get(this) ?? true;
  });
  vi.spyOn(HTMLMediaElement.prototype, "play").mockImplementation(function (this: HTMLMediaElement) {
    paused.set(this, false);
    this.dispatchEvent(new Event("play"));
    return Promise.resolve();
  });
  vi.spyOn(HTMLMediaElement.prototype, "pause").mockImplementation(function (this: HTMLMediaElement) {
    paused.set(this, true);
    this.dispatchEvent(new Event("pause"));
  });
});
afterEach(cleanup);

const transcriptRegion = () => screen.getByRole("region", { name: "Transcript" });
const currentSegment = () => within(transcriptRegion()).queryAllByRole("button").find((b) => b.getAttribute("aria-current") === "true");
const video = () => document.querySelector("video") as HTMLVideoElement;

describe("ReplayPage", () => {
  it("says it is loading, then plays from the manifest with the first transcript page", async () => {
    let answer: (response: Response) => void = () => undefined;
    const fake = replayApi({ replay: aReplay(), transcript: segments(3) }).on(
      "GET",
      REPLAY_PATH,
      () => new Promise<Response>((resolve) => (answer = resolve)),
    );
    renderApp(replayUrl, { signedInAs: student, fake });

    expect(await screen.findByText("Loading the replay…")).toBeTruthy();
    act(() => answer(new Response(JSON.stringify(aReplay()), { status: 200, headers: { "Content-Type": "application/json" } })));

    expect(await screen.findByRole("region", { name: "Player" })).toBeTruthy();
    expect(screen.getByRole("heading", { level: 1, name: "Photosynthesis — Week 3" })).toBeTruthy();
    await waitFor(() => expect(video().getAttribute("src")).toBe("https://storage.test/recording.wav?signature=1"));
    expect(await within(transcriptRegion()).findByText("Sentence number 2.")).toBeTruthy();
    expect(screen.getByRole("link", { name: "Back to the course" }).getAttribute("href")).toBe("/courses/c1");
  });

  it("starts at ?t=, marks the segment playing, and seeks to a segment on click", async () => {
    const user = userEvent.setup();
    // Segments of 4 s: ?t=30 is in segment 7 (28–32 s). The saved place (2:00) loses to the link.
    const fake = replayApi({ replay: aReplay({ position_ms: 120_000 }), transcript: segments(40) });
    renderApp(`${replayUrl}?t=30`, { signedInAs: student, fake });

    await waitFor(() => expect(currentSegment()?.textContent).toContain("Sentence number 7."));
    fireEvent.loadedMetadata(video());
    expect(video().currentTime).toBe(30);

    await user.click(within(transcriptRegion()).getByRole("button", { name: /Sentence number 12\./ }));
    expect(video().currentTime).toBe(48);
    await waitFor(() => expect(currentSegment()?.textContent).toContain("Sentence number 12."));
  });

  it("stops following while the reader scrolls the transcript, and offers Back to now", async () => {
    const user = userEvent.setup();
    renderApp(`${replayUrl}?t=20`, { signedInAs: student, fake: replayApi({ replay: aReplay(), transcript: segments(40) }) });
    const list = await screen.findByRole("group", { name: "Transcript segments" });
    expect(screen.queryByRole("button", { name: "Back to now" })).toBeNull();

    fireEvent.wheel(list, { deltaY: 400 });
    const back = await screen.findByRole("button", { name: "Back to now" });
    // Playback goes on; the current line is still marked, only the scrolling waits.
    video().currentTime = 60;
    fireEvent.timeUpdate(video());
    await waitFor(() => expect(currentSegment()?.textContent).toContain("Sentence number 15."));
    expect(screen.getByRole("button", { name: "Back to now" })).toBe(back);

    await user.click(back);
    expect(screen.queryByRole("button", { name: "Back to now" })).toBeNull();
    expect(document.activeElement).toBe(list);
  });

  it("resumes at the saved place, and saves it when paused", async () => {
    const user = userEvent.setup();
    const fake = replayApi({ replay: aReplay({ position_ms: 20_000 }), transcript: segments(10) });
    renderApp(replayUrl, { signedInAs: student, fake });

    await waitFor(() => expect(currentSegment()?.textContent).toContain("Sentence number 5."));
    fireEvent.loadedMetadata(video());
    expect(video().currentTime).toBe(20);

    await user.click(screen.getByRole("button", { name: "Play" }));
    expect(await screen.findByRole("button", { name: "Pause" })).toBeTruthy();
    video().currentTime = 33;
    fireEvent.timeUpdate(video());
    await user.click(screen.getByRole("button", { name: "Pause" }));
    await waitFor(() => expect(fake.calls("PUT", `${REPLAY_PATH}/position`).at(-1)?.body).toEqual({ position_ms: 33_000 }));
  });

  it("fetches a fresh media URL ahead of expiry and swaps it in at a pause, where it was", async () => {
    const user = userEvent.setup();
    const media = (url: string) => ({ url, mime: "audio/wav", expires_in_seconds: 2 });
    const fake = replayApi({
      replay: [aReplay({ media: media("https://storage.test/rec.wav?sig=1") }), aReplay({ media: media("https://storage.test/rec.wav?sig=2") })],
      transcript: segments(3),
    });
    renderApp(replayUrl, { signedInAs: student, fake });
    await waitFor(() => expect(video().getAttribute("src")).toBe("https://storage.test/rec.wav?sig=1"));
    fireEvent.loadedMetadata(video());
    await user.click(screen.getByRole("button", { name: "Play" }));

    // A URL good for 2 s is renewed after 1 s; playing on, the element keeps its source.
    await waitFor(() => expect(fake.calls("GET", REPLAY_PATH)).toHaveLength(2), { timeout: 3_000 });
    video().currentTime = 42;
    fireEvent.timeUpdate(video());
    expect(video().getAttribute("src")).toBe("https://storage.test/rec.wav?sig=1");

    // Paused: the fresh URL goes in, and the place is kept.
    await user.click(screen.getByRole("button", { name: "Pause" }));
    await waitFor(() => expect(video().getAttribute("src")).toBe("https://storage.test/rec.wav?sig=2"));
    video().currentTime = 0; // a new source starts at the beginning
    fireEvent.loadedMetadata(video());
    expect(video().currentTime).toBe(42);
    expect(video().paused).toBe(true);
    expect(screen.getByRole("button", { name: "Play" })).toBeTruthy();
  });

  it("loads a long transcript's first page at once and the rest in the background", async () => {
    const fake = replayApi({ replay: aReplay({ duration_ms: 5_400_000 }), transcript: segments(1_500, 0, 3_600) });
    renderApp(replayUrl, { signedInAs: student, fake });

    expect(await screen.findByRole("region", { name: "Transcript" })).toBeTruthy();
    expect(await within(transcriptRegion()).findByText("Sentence number 0.")).toBeTruthy();
    await waitFor(() => expect(within(transcriptRegion()).getByText("Sentence number 1499.")).toBeTruthy());
    const pages = fake.requests.filter((request) => request.path.includes("/replay/transcript?")).map((request) => request.path);
    expect(pages).toEqual([
      `${REPLAY_PATH}/transcript?limit=100`,
      `${REPLAY_PATH}/transcript?limit=500&cursor=100`,
      `${REPLAY_PATH}/transcript?limit=500&cursor=600`,
      `${REPLAY_PATH}/transcript?limit=500&cursor=1100`,
    ]);
  });

  it("searches the class: marked snippets, Enter jumps to the first hit, next walks on", async () => {
    const user = userEvent.setup();
    const hits = [
      aSearchHit({ kind: "slide", idx: null, ref_id: "p2", start_ms: 36_000, snippet: "Slide: «Chlorophyll» and light", rank: 0.9 }),
      aSearchHit({ kind: "transcript", idx: 3, start_ms: 12_000, snippet: "the «chlorophyll» absorbs <b>light</b>", rank: 0.4 }),
    ];
    const fake = replayApi({ replay: aReplay(), transcript: segments(20), hits });
    renderApp(replayUrl, { signedInAs: student, fake });

    const box = await screen.findByRole("searchbox", { name: "Search this class" });
    await user.type(box, "chlorophyll{Enter}");

    // In time order, the first (12 s, segment 3) is where Enter goes.
    await waitFor(() => expect(currentSegment()?.textContent).toContain("Sentence number 3."));
    expect(video().currentTime).toBe(12);
    const list = screen.getByRole("list", { name: "Hits for “chlorophyll”" });
    const items = within(list).getAllByRole("button");
    expect(items[0]?.textContent).toContain("0:12");
    expect(items[0]?.getAttribute("aria-current")).toBe("true");
    // Matches in <mark>; markup in a snippet stays text.
    expect([...list.querySelectorAll("mark")].map((mark) => mark.textContent)).toEqual(["chlorophyll", "Chlorophyll"]);
    expect(list.textContent).toContain("<b>light</b>");
    expect(list.querySelector("b")).toBeNull();
    expect(screen.getByText("Hit 1 of 2")).toBeTruthy();
    expect(document.querySelectorAll(".seek__hit")).toHaveLength(2);

    await user.click(screen.getByRole("button", { name: "Next hit" }));
    expect(video().currentTime).toBe(36);
    expect(screen.getByText("Hit 2 of 2")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Next hit" }));
    expect(video().currentTime).toBe(12);
    const search = fake.requests.find((request) => request.path.includes("/replay/search?"));
    expect(search?.path).toBe(`${REPLAY_PATH}/search?q=chlorophyll&limit=50`);
  });

  it("opens with ?q= searched, without jumping", async () => {
    const fake = replayApi({ replay: aReplay(), transcript: segments(20), hits: [aSearchHit({ start_ms: 40_000 })] });
    renderApp(`${replayUrl}?q=chlorophyll&t=8`, { signedInAs: student, fake });

    expect(await screen.findByRole("list", { name: "Hits for “chlorophyll”" })).toBeTruthy();
    expect(screen.getByRole<HTMLInputElement>("searchbox", { name: "Search this class" }).value).toBe("chlorophyll");
    expect(currentSegment()?.textContent).toContain("Sentence number 2.");
  });

  it("follows the keyboard: l forward 10 s, j back, not while typing", async () => {
    const user = userEvent.setup();
    const fake = replayApi({ replay: aReplay(), transcript: segments(20) });
    renderApp(`${replayUrl}?t=20`, { signedInAs: student, fake });
    await waitFor(() => expect(currentSegment()?.textContent).toContain("Sentence number 5."));

    await user.keyboard("l");
    await waitFor(() => expect(currentSegment()?.textContent).toContain("Sentence number 7."));
    await user.keyboard("j");
    await user.keyboard("j");
    await waitFor(() => expect(currentSegment()?.textContent).toContain("Sentence number 2."));
    await user.click(screen.getByRole("searchbox", { name: "Search this class" }));
    await user.keyboard("l");
    expect(currentSegment()?.textContent).toContain("Sentence number 2.");
  });

  it("turns captions on from a blob: URL of the VTT fetched with the token", async () => {
    const user = userEvent.setup();
    const createObjectURL = vi.spyOn(URL, "createObjectURL").mockReturnValue("blob:captions-1");
    const fake = replayApi({ replay: aReplay(), transcript: segments(3), captions: "WEBVTT\n\n00:00.000 --> 00:04.000\nGood morning\n" });
    renderApp(replayUrl, { signedInAs: student, fake });

    const captions = await screen.findByRole("button", { name: "Captions" });
    await waitFor(() => expect(captions.hasAttribute("disabled")).toBe(false));
    const track = document.querySelector("track");
    expect(track?.getAttribute("src")).toBe("blob:captions-1");
    expect(track?.getAttribute("kind")).toBe("captions");
    expect(createObjectURL).toHaveBeenCalled();
    expect(fake.calls("GET", `${REPLAY_PATH}/captions.vtt`)[0]?.headers.get("Authorization")).toMatch(/^Bearer /);
    expect(captions.getAttribute("aria-pressed")).toBe("false");
    await user.click(captions);
    expect(captions.getAttribute("aria-pressed")).toBe("true");
  });

  it("downloads the transcript with the token, saved through a blob: link", async () => {
    const user = userEvent.setup();
    vi.spyOn(URL, "createObjectURL").mockReturnValue("blob:transcript-1");
    const saved: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, "click").mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ href: this.getAttribute("href") ?? "", download: this.download });
    });
    const fake = replayApi({ replay: aReplay(), transcript: segments(3) }).on(
      "GET",
      `${REPLAY_PATH}/transcript.txt`,
      () =>
        new Response("[0:00:00] Sentence number 0.\n", {
          status: 200,
          headers: { "Content-Type": "text/plain", "Content-Disposition": 'attachment; filename="Photosynthesis-Week-3.txt"' },
        }),
    );
    renderApp(replayUrl, { signedInAs: student, fake });

    await user.click(await screen.findByRole("button", { name: "Text (.txt)" }));
    await waitFor(() => expect(saved).toEqual([{ href: "blob:transcript-1", download: "Photosynthesis-Week-3.txt" }]));
    expect(fake.calls("GET", `${REPLAY_PATH}/transcript.txt`)[0]?.headers.get("Authorization")).toMatch(/^Bearer /);
  });

  it("shows the slide on screen and the chapters, and seeks to a chapter", async () => {
    const user = userEvent.setup();
    const replay = aReplay({
      slides: [aScreenSpan({ start_ms: 0, end_ms: 60_000, page_no: 1 }), aScreenSpan({ start_ms: 60_000, end_ms: 600_000, page_no: 2 })],
      chapters: [
        aChapter({ idx: 0, start_ms: 0, end_ms: 60_000, title: "Why leaves are green", slide_page: 1 }),
        aChapter({ idx: 1, start_ms: 60_000, end_ms: 600_000, title: "The light reactions", slide_page: 2 }),
      ],
    });
    renderApp(`${replayUrl}?t=10`, { signedInAs: student, fake: replayApi({ replay, transcript: segments(3) }) });

    // Audio only: the slide takes the picture's place.
    expect(await screen.findByRole("img", { name: "Slide 1 of 3: Slide 1" })).toBeTruthy();
    await user.click(screen.getByRole("tab", { name: "Chapters" }));
    const chapters = screen.getByRole("region", { name: "Chapters" });
    const rows = within(chapters).getAllByRole("button");
    expect(rows[0]?.getAttribute("aria-current")).toBe("true");
    // Audio only, so no frame thumbnails: the deck's page thumbnails stand in.
    await waitFor(() =>
      expect([...chapters.querySelectorAll("img")].map((img) => img.getAttribute("src"))).toEqual([
        "https://storage.test/thumbs/1.webp?sig=1",
        "https://storage.test/thumbs/2.webp?sig=1",
      ]),
    );

    await user.click(within(chapters).getByRole("button", { name: /The light reactions/ }));
    expect(video().currentTime).toBe(60);
    expect(await screen.findByRole("img", { name: "Slide 2 of 3: Slide 2" })).toBeTruthy();
    expect(within(chapters).getByRole("button", { name: /The light reactions/ }).getAttribute("aria-current")).toBe("true");
  });

  it("replays the class at its moment: chat so far, questions with answers once given, polls", async () => {
    const user = userEvent.setup();
    const replay = aReplay({
      questions: [aReplayQuestion({ asked_ms: 30_000, answered_ms: 50_000, answer_text: "It stores energy.", upvotes: 3 })],
      polls: [aReplayPoll({ opened_ms: 60_000, closed_ms: 80_000 })],
      highlights: [aHighlight({ ref_id: "question-1", start_ms: 30_000 })],
    });
    const chat = [
      aChatMessage({ id: "m1", at_ms: 5_000, body: "Hello from the back row!" }),
      aChatMessage({ id: "m2", at_ms: 45_000, body: "Is chlorophyll the only pigment?" }),
    ];
    renderApp(`${replayUrl}?t=40`, { signedInAs: student, fake: replayApi({ replay, transcript: segments(3), chat }) });

    await user.click(await screen.findByRole("tab", { name: "Class" }));
    expect(await screen.findByText("Hello from the back row!")).toBeTruthy();
    expect(screen.queryByText("Is chlorophyll the only pigment?")).toBeNull();
    const questions = screen.getByRole("region", { name: /Questions/ });
    expect(within(questions).getByText("Why is ATP needed?")).toBeTruthy();
    expect(screen.queryByText("It stores energy.")).toBeNull();
    expect(screen.getByRole("button", { name: "Answered later, at 0:50" })).toBeTruthy();
    expect(screen.getByText("No poll had been opened yet at this point.")).toBeTruthy();
    expect(screen.getByRole("button", { name: /Question: Why is ATP needed\? \(3 votes · answered at 0:50\)/ })).toBeTruthy();

    await user.click(screen.getByRole("button", { name: "Answered later, at 0:50" }));
    expect(await screen.findByText("Is chlorophyll the only pigment?")).toBeTruthy();
    expect(screen.getByText("It stores energy.")).toBeTruthy();

    video().currentTime = 65;
    fireEvent.timeUpdate(video());
    expect(await screen.findByText("Voting was open at this point.")).toBeTruthy();
    video().currentTime = 85;
    fireEvent.timeUpdate(video());
    expect(await screen.findByRole("list", { name: "Results: Which stage makes glucose?" })).toBeTruthy();
    expect(screen.getByText("3 votes · 75%")).toBeTruthy();
  });

  it("plays a partial replay while the transcript is made, and takes it in when ready", async () => {
    const partial = aReplay({ status: "partial", progress: aProgress() });
    const fake = replayApi({ replay: [partial, aReplay({ status: "ready" })], transcript: [] });
    renderApp(replayUrl, { signedInAs: student, fake });

    expect(await screen.findByText(/The transcript is being made \(Transcribing 3\/10\)/)).toBeTruthy();
    expect(video().getAttribute("src")).toBe("https://storage.test/recording.wav?signature=1");
    fake.on("GET", /\/replay\/transcript\?/, () =>
      new Response(JSON.stringify({ items: segments(2), next_cursor: null }), { status: 200, headers: { "Content-Type": "application/json" } }),
    );
    expect(await within(transcriptRegion()).findByText("Sentence number 1.", {}, { timeout: 6_000 })).toBeTruthy();
    expect(screen.queryByText(/being made/)).toBeNull();
  }, 10_000);

  it("shows a replay being made with its progress, and the player once it can play", async () => {
    const processing = aReplay({ status: "processing", media: null, progress: aProgress() });
    const fake = replayApi({ replay: [processing, aReplay({ status: "partial", progress: aProgress({ step: "align" }) })] });
    renderApp(replayUrl, { signedInAs: student, fake });

    expect(await screen.findByRole("heading", { name: "The replay is being made" })).toBeTruthy();
    expect(screen.getByText("Transcribing 3/10")).toBeTruthy();
    expect(screen.getByRole("progressbar", { name: "Making the replay: Transcribing 3/10" })).toBeTruthy();
    expect(await screen.findByRole("region", { name: "Player" }, { timeout: 6_000 })).toBeTruthy();
  }, 10_000);

  it("offers hosts, and only hosts, to run a failed replay again", async () => {
    const user = userEvent.setup();
    const failed = aReplay({
      status: "failed",
      media: null,
      reason: "The transcription engine ran out of memory.",
      progress: aProgress({ status: "failed", step: "transcribe" }),
    });
    const runId = failed.progress?.run_id ?? "";

    renderApp(replayUrl, { signedInAs: student, fake: replayApi({ replay: failed }) });
    expect(await screen.findByText("The transcription engine ran out of memory.")).toBeTruthy();
    expect(screen.getByText("Your teacher can make it again.")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Run again" })).toBeNull();
    cleanup();

    const fake = replayApi({ replay: [failed, aReplay({ status: "processing", media: null, progress: aProgress({ step: "extract" }) })], role: "owner" });
    fake.on("POST", `/internal/artifacts/runs/${runId}/retry`, () => new Response(JSON.stringify({ id: "run-2" }), { status: 201 }));
    renderApp(replayUrl, { signedInAs: teacher, fake });
    await user.click(await screen.findByRole("button", { name: "Run again" }));
    expect(await screen.findByRole("heading", { name: "The replay is being made" })).toBeTruthy();
    const retry = fake.calls("POST", `/internal/artifacts/runs/${runId}/retry`)[0];
    expect(retry?.headers.get("Idempotency-Key")).toMatch(/^[0-9a-f-]{36}$/);
    expect(retry?.headers.get("Authorization")).toMatch(/^Bearer /);
  });

  it("says when a class was not recorded, or its recording failed", async () => {
    renderApp(replayUrl, {
      signedInAs: student,
      fake: replayApi({ replay: aReplay({ status: "none", media: null, recording_status: null }) }),
    });
    expect(await screen.findByRole("heading", { name: "This class wasn't recorded" })).toBeTruthy();
    cleanup();

    renderApp(replayUrl, {
      signedInAs: student,
      fake: replayApi({
        replay: aReplay({ status: "failed", media: null, recording_status: "failed", recording_error: "No recorder joined the room." }),
      }),
    });
    expect(await screen.findByRole("heading", { name: "The recording failed" })).toBeTruthy();
    expect(screen.getByText("No recorder joined the room.")).toBeTruthy();
  });

  it("lets a host delete the recording after confirming what goes, and then says it was deleted", async () => {
    const user = userEvent.setup();
    const recordingPath = `/api/v1/sessions/${SESSION_ID}/recording`;
    const deleted = aReplay({ status: "deleted", recording_status: "deleted", media: null, chapters: [] });
    const fake = replayApi({ replay: [aReplay(), deleted], transcript: segments(3), role: "instructor" })
      .on("DELETE", recordingPath, problem(503, "storage-unavailable", "File storage is not answering.", {}, { "Retry-After": "10" }), noContent());
    renderApp(replayUrl, { signedInAs: teacher, fake });

    await user.click(await screen.findByRole("button", { name: "Delete recording" }));
    const confirm = screen.getByRole("group", { name: "Confirm deleting the recording" });
    // It says what goes and what stays, and the safe choice has focus.
    expect(confirm.textContent).toMatch(/video, its transcript, captions and\s+chapters are deleted/);
    expect(confirm.textContent).toContain("The chat and questions stay.");
    expect(document.activeElement).toBe(within(confirm).getByRole("button", { name: "Keep it" }));
    expect(fake.calls("DELETE", recordingPath)).toHaveLength(0);

    // Storage down: nothing was deleted, the page says so and when to try again.
    await user.click(within(confirm).getByRole("button", { name: "Delete the recording" }));
    expect(await screen.findByText(/Couldn't delete the recording\. File storage is not answering\. Try again in 10 s\./)).toBeTruthy();
    expect(screen.getByRole("region", { name: "Player" })).toBeTruthy();

    await user.click(within(confirm).getByRole("button", { name: "Delete the recording" }));
    expect(await screen.findByRole("heading", { name: "This recording was deleted" })).toBeTruthy();
    expect(screen.getByText("The teacher deleted this recording, with its transcript, captions and chapters.")).toBeTruthy();
    expect(fake.calls("DELETE", recordingPath)).toHaveLength(2);
    expect(fake.calls("DELETE", recordingPath)[1]?.headers.get("Authorization")).toMatch(/^Bearer /);
    expect(document.querySelector("video")).toBeNull();
    expect(screen.queryByRole("button", { name: "Delete recording" })).toBeNull();
    await waitFor(() => expect(fake.calls("GET", REPLAY_PATH).length).toBeGreaterThanOrEqual(2));
  });

  it("keeps the recording when the host thinks again, and never offers deleting to students", async () => {
    const user = userEvent.setup();
    const fake = replayApi({ replay: aReplay(), transcript: segments(3), role: "owner" });
    renderApp(replayUrl, { signedInAs: teacher, fake });
    await user.click(await screen.findByRole("button", { name: "Delete recording" }));
    await user.click(screen.getByRole("button", { name: "Keep it" }));
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Delete recording" }));
    expect(fake.calls("DELETE", `/api/v1/sessions/${SESSION_ID}/recording`)).toHaveLength(0);
    cleanup();

    renderApp(replayUrl, { signedInAs: student, fake: replayApi({ replay: aReplay(), transcript: segments(3) }) });
    expect(await screen.findByRole("region", { name: "Player" })).toBeTruthy();
    await waitFor(() => expect(screen.getByRole("link", { name: "Back to the course" })).toBeTruthy());
    expect(screen.queryByRole("button", { name: "Delete recording" })).toBeNull();
  });

  it("shows a deleted recording as deleted, to everyone", async () => {
    renderApp(replayUrl, {
      signedInAs: teacher,
      fake: replayApi({ replay: aReplay({ status: "deleted", recording_status: "deleted", media: null }), role: "owner" }),
    });
    expect(await screen.findByRole("heading", { name: "This recording was deleted" })).toBeTruthy();
    expect(screen.queryByRole("button", { name: "Delete recording" })).toBeNull();
  });

  it("shows the app's not-found page to someone not in the course", async () => {
    const fake = replayApi({ replay: aReplay() }).on("GET", REPLAY_PATH, problem(404, "not-found", "Not found."));
    renderApp(replayUrl, { signedInAs: student, fake });
    expect(await screen.findByRole("heading", { level: 1, name: "Page not found" })).toBeTruthy();
    expect(document.querySelector("video")).toBeNull();
  });

  it("offers a retry when the manifest cannot be loaded", async () => {
    const user = userEvent.setup();
    const fake = replayApi({ replay: aReplay(), transcript: segments(2) }).on(
      "GET",
      REPLAY_PATH,
      problem(503, "unavailable", "The database is restarting."),
      () => new Response(JSON.stringify(aReplay()), { status: 200, headers: { "Content-Type": "application/json" } }),
    );
    renderApp(replayUrl, { signedInAs: student, fake });
    expect(await screen.findByText("The database is restarting.")).toBeTruthy();
    await user.click(screen.getByRole("button", { name: "Try again" }));
    expect(await screen.findByRole("region", { name: "Player" })).toBeTruthy();
  });
});
