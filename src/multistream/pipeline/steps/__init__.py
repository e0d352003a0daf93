"""The four steps of a run, one module each; `pipeline.tasks` runs them as Celery tasks.

```
extraction     recording ─► 16 kHz mono WAV (artifact `audio`), pictures   replay: partial
transcription  WAV ─► chunks ─► (one task per chunk, any worker) ─► stitch ─► transcript_segments
alignment      event log ─► timeline on media time (in the step's output)
derivation     chapters, highlights, captions.vtt, transcript.json, summary.json  replay: ready
```

Each step body gets a `pipeline.bookkeeping.Step` from `begin` and calls `succeed` in the
same transaction as its writes (`replay.store`: upserts keyed as the schema says, plus
deletes of rows past the new end), so a step run twice leaves what one run leaves. It
raises one of `pipeline.failures` when it cannot finish now.
"""
